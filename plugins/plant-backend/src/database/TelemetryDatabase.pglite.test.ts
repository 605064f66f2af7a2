// Runs in its own Jest pass with --experimental-vm-modules: PGlite loads its
// files with dynamic import() (scripts/test-all.sh).
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { openTelemetryDatabase } from './TelemetryDatabase';
import { RollupWriter } from '../ingest/RollupWriter';

const logger = mockServices.logger.mock();

describe('openTelemetryDatabase', () => {
  it('runs the embedded PostgreSQL (PGlite) when no server is configured', async () => {
    const db = await openTelemetryDatabase(new ConfigReader({}), logger);
    try {
      expect(db.kind).toBe('embedded');
      const writer = new RollupWriter(db.pool, raw => ({ ok: true, event: JSON.parse(raw) }));
      const base = { schemaVersion: 1, site: 's', line: 'l', machine: 'm' };
      const r = await writer.applyBatch('kafka:t', 0, [
        { offset: '0', value: JSON.stringify({ ...base, type: 'machineState', state: 'Executing', sourceTimestamp: '2026-11-25T06:00:00Z' }) },
        { offset: '1', value: JSON.stringify({ ...base, type: 'machineState', state: 'Idle', sourceTimestamp: '2026-11-25T06:02:30Z' }) },
      ]);
      expect(r.applied).toBe(2);
      const sum = await db.pool.query('SELECT sum(executing_s)::float AS s, count(*)::int AS n FROM plant_rollup_minute');
      expect(sum.rows[0]).toEqual({ s: 150, n: 3 });
      // Native partitioning works on the embedded engine too.
      const parts = await db.pool.query(
        `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'plant_rollup_minute'::regclass`,
      );
      // The event's month, made by the writer, and this month and the next, made ahead at start.
      const now = new Date();
      const month = (d: Date) => `plant_rollup_minute_p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
      expect(parts.rows.map(r => r.relname)).toEqual(expect.arrayContaining([
        'plant_rollup_minute_p202611', month(now), month(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))),
      ]));
      const hour = await db.pool.query('SELECT sum(executing_s)::float AS s, count(*)::int AS n FROM plant_rollup_hour');
      expect(hour.rows[0]).toEqual({ s: 150, n: 1 });
    } finally {
      await db.close();
    }
  }, 120_000);
});
