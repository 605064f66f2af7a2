import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { openTelemetryDatabase } from './TelemetryDatabase';

const logger = mockServices.logger.mock();

describe('openTelemetryDatabase', () => {
  it('uses the configured PostgreSQL server', async () => {
    const url = process.env.PLANTOPS_TEST_PG_URL;
    if (!url) throw new Error('PLANTOPS_TEST_PG_URL is not set: run the tests with ./portal test');
    const db = await openTelemetryDatabase(
      new ConfigReader({ plant: { telemetry: { database: { connection: url } } } }),
      logger,
    );
    try {
      expect(db.kind).toBe('postgres');
      const r = await db.pool.query("SELECT to_regclass('plant_rollup_minute') IS NOT NULL AS ok");
      expect(r.rows[0].ok).toBe(true);
    } finally {
      await db.close();
    }
  }, 30_000);
});
