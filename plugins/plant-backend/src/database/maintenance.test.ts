import { ConfigReader } from '@backstage/config';
import { parseTelemetryEvent } from '@plantops/backstage-plugin-plant-common';
import { createTestDatabase } from '../testing/testPg';
import { RollupWriter } from '../ingest/RollupWriter';
import { compressAfterDaysFrom, retentionFrom, runMaintenance, timescaleAvailable } from './maintenance';

const partitions = async (pool: import('pg').Pool, table: string) =>
  (await pool.query(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = $1::regclass ORDER BY 1`,
    [table],
  )).rows.map(r => r.relname as string);

describe('telemetry maintenance', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: true });
  });
  afterAll(() => db.drop());

  it('makes next month partitions and drops whole months past retention, per resolution', async () => {
    const writer = new RollupWriter(db.pool, raw => parseTelemetryEvent(raw));
    const m = { schemaVersion: 1, site: 's', line: 'l', machine: 'm' };
    const events = ['2030-01-10T06:00:00Z', '2030-01-10T06:10:00Z', '2030-03-31T23:00:00Z', '2030-04-01T01:00:00Z'].map(
      (t, i) => ({ offset: String(i), value: JSON.stringify({ ...m, type: 'machineState', state: i % 2 ? 'Idle' : 'Executing', sourceTimestamp: t }) }),
    );
    await writer.applyBatch('kafka:t', 0, events);
    const now = Date.parse('2030-04-15T12:00:00Z');
    const { dropped } = await runMaintenance(db.pool, { plant_rollup_minute: 30, plant_rollup_hour: 60 }, now);
    // Minutes: January and February ended before 16 March; March is partly inside, so it stays.
    expect(dropped).toEqual(expect.arrayContaining(['plant_rollup_minute_p203001', 'plant_rollup_hour_p203001']));
    expect(dropped).not.toContain('plant_rollup_minute_p203003');
    expect(dropped.filter(d => d.startsWith('plant_rollup_day'))).toEqual([]);
    const minutes = await partitions(db.pool, 'plant_rollup_minute');
    expect(minutes).toEqual(expect.arrayContaining(['plant_rollup_minute_p203003', 'plant_rollup_minute_p203004', 'plant_rollup_minute_p203005']));
    expect(minutes).not.toContain('plant_rollup_minute_p203001');
    expect(await partitions(db.pool, 'plant_rollup_day')).toContain('plant_rollup_day_p203001');
    // What is left still adds up: the March rows are there.
    const r = await db.pool.query(`SELECT count(*)::int AS n FROM plant_rollup_minute WHERE bucket >= '2030-03-01'`);
    expect(r.rows[0].n).toBeGreaterThan(0);
  });

  it('reads retention from config and names the field and the fix for a bad value', () => {
    expect(retentionFrom(new ConfigReader({ plant: { telemetry: { retention: { minuteDays: 7, dayDays: 3650 } } } }))).toEqual({
      plant_rollup_minute: 7, plant_rollup_hour: 730, plant_rollup_day: 3650,
    });
    expect(() => retentionFrom(new ConfigReader({ plant: { telemetry: { retention: { hourDays: 0 } } } }))).toThrow(
      /plant\.telemetry\.retention\.hourDays must be a whole number of days >= 1, got 0; fix it/,
    );
    expect(compressAfterDaysFrom(new ConfigReader({}))).toBe(7);
    expect(compressAfterDaysFrom(new ConfigReader({ plant: { telemetry: { compressAfterDays: 2 } } }))).toBe(2);
    expect(() => compressAfterDaysFrom(new ConfigReader({ plant: { telemetry: { compressAfterDays: 0.5 } } }))).toThrow(
      'plant.telemetry.compressAfterDays must be a whole number of days >= 1, got 0.5; fix it in app-config or leave it out for the default (7)',
    );
  });

  it('tells whether TimescaleDB is offered', async () => {
    // The test server is Debian's plain PostgreSQL 15 (scripts/services.sh): no TimescaleDB.
    expect(await timescaleAvailable(db.pool)).toBe(false);
  });
});
