import fc from 'fast-check';
import type { Pool } from 'pg';
import { createTestDatabase } from '../testing/testPg';
import { RollupWriter } from './RollupWriter';
import { parseTelemetryEvent } from '@plantops/backstage-plugin-plant-common';
import type { TelemetryEvent } from './types';

const parse = (raw: string) => parseTelemetryEvent(raw);

const T0 = Date.parse('2026-11-25T06:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const m = { schemaVersion: 1 as const, site: 's1', line: 'l1', machine: 'm1' };
const state = (s: number, st: string): TelemetryEvent => ({ ...m, type: 'machineState', state: st as any, sourceTimestamp: at(s) });
const counters = (s: number, total: number, reject: number): TelemetryEvent =>
  ({ ...m, type: 'counters', total, good: total - reject, reject, sourceTimestamp: at(s) });

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase({ migrated: true });
  pool = db.pool;
});
afterAll(() => db.drop());
beforeEach(async () => {
  await pool.query('TRUNCATE plant_machine, plant_state_transition, plant_rollup_minute, plant_rollup_hour, plant_rollup_day, plant_ingest_offset, plant_dead_letter, plant_andon_event');
});

let offset = 0;
const msgs = (events: (TelemetryEvent | string)[]) =>
  events.map(e => ({ offset: String(offset++), value: typeof e === 'string' ? e : JSON.stringify(e) }));

async function totals() {
  const r = await pool.query(`SELECT sum(executing_s)::float AS executing, sum(idle_s)::float AS idle,
    sum(fault_s)::float AS fault, sum(micro_stop_s)::float AS micro, sum(setup_s)::float AS setup,
    sum(produced)::int AS produced, sum(good)::int AS good, sum(reject)::int AS reject, sum(ideal_s)::float AS ideal
    FROM plant_rollup_minute`);
  return r.rows[0];
}

describe('RollupWriter on PostgreSQL', () => {
  const writer = () => new RollupWriter(pool, parse, { microStopSeconds: 120 });

  it('turns state changes into seconds per state, with short stops as micro-stops', async () => {
    offset = 0;
    await writer().applyBatch('kafka:t', 0, msgs([
      state(0, 'Executing'),
      state(600, 'OutOfService'), // 60 s fault: a micro-stop
      state(660, 'Executing'),
      state(1200, 'OutOfService'), // 300 s fault: availability loss
      state(1500, 'Setup'),
      state(1800, 'Executing'),
    ]));
    expect(await totals()).toMatchObject({ executing: 1140, micro: 60, fault: 300, setup: 300 });
    // Split per minute: the first minute holds exactly 60 s of executing.
    const first = await pool.query('SELECT executing_s FROM plant_rollup_minute WHERE bucket = $1', [new Date(T0)]);
    expect(first.rows[0].executing_s).toBe(60);
  });

  it('counts produced parts from cumulative counters across a counter reset', async () => {
    offset = 0;
    await writer().applyBatch('kafka:t', 0, msgs([
      { ...m, type: 'idealCycleTime', productId: 'p', idealCycleTimeSeconds: 2, sourceTimestamp: at(0) } as TelemetryEvent,
      counters(0, 1000, 10),
      counters(60, 1050, 12),
      counters(120, 20, 1), // reset to zero, then 20 more
      counters(180, 50, 1),
    ]));
    expect(await totals()).toMatchObject({ produced: 100, reject: 3, good: 97, ideal: 200 });
  });

  it('skips a redelivered batch: nothing is counted twice', async () => {
    offset = 100;
    const batch = msgs([state(0, 'Executing'), state(300, 'Idle'), counters(0, 0, 0), counters(300, 150, 0)]);
    const first = await writer().applyBatch('kafka:t', 0, batch);
    const again = await writer().applyBatch('kafka:t', 0, batch);
    expect(first.applied).toBe(4);
    expect(again).toMatchObject({ applied: 0, skippedAlreadyCommitted: 4 });
    expect(await totals()).toMatchObject({ executing: 300, produced: 150 });
    expect(await writer().storedOffset('kafka:t', 0)).toBe('104');
  });

  it('dead-letters malformed messages with the reason and keeps going', async () => {
    offset = 0;
    const r = await writer().applyBatch('kafka:t', 0, [
      ...msgs([state(0, 'Executing'), '{not json', JSON.stringify({ type: 'state' }), state(120, 'Idle')]),
      { offset: String(offset++), value: null }, // a Kafka tombstone
    ]);
    expect(r).toMatchObject({ applied: 2, deadLettered: 3 });
    const dead = await pool.query('SELECT raw, reason, position FROM plant_dead_letter ORDER BY id');
    expect(dead.rows).toEqual([
      { raw: '{not json', reason: expect.stringMatching(/^event: not valid JSON/), position: '0:1' },
      { raw: '{"type":"state"}', reason: expect.stringMatching(/^type: must be one of machineState/), position: '0:2' },
      { raw: '', reason: expect.stringMatching(/^event: not valid JSON/), position: '0:4' },
    ]);
    expect(await totals()).toMatchObject({ executing: 120 });
  });

  it('treats a repeated state event as a duplicate and a conflicting one as dead letter', async () => {
    offset = 0;
    const r = await writer().applyBatch('kafka:t', 0, msgs([
      state(0, 'Executing'), state(0, 'Executing'), state(0, 'Idle'), state(60, 'Idle'),
    ]));
    expect(r).toMatchObject({ applied: 2, duplicates: 1, deadLettered: 1 });
    expect(await totals()).toMatchObject({ executing: 60, idle: 0 });
  });

  it('gives the same rollups whatever order state events arrive in', async () => {
    const states = ['Executing', 'Idle', 'OutOfService', 'Setup', 'PlannedDowntime'];
    const events = fc.uniqueArray(
      fc.record({ s: fc.integer({ min: 0, max: 4 * 3600 }), st: fc.constantFrom(...states) }),
      { selector: e => e.s, minLength: 2, maxLength: 25 },
    );
    await fc.assert(
      fc.asyncProperty(events, fc.integer({ min: 1, max: 5 }), async (list, batchSize) => {
        const inOrder = [...list].sort((a, b) => a.s - b.s).map(e => state(e.s, e.st));
        const shuffled = list.map(e => state(e.s, e.st)); // arbitrary arrival order
        const run = async (evs: TelemetryEvent[], size: number) => {
          await pool.query('TRUNCATE plant_machine, plant_state_transition, plant_rollup_minute, plant_rollup_hour, plant_rollup_day, plant_ingest_offset');
          offset = 0;
          for (let i = 0; i < evs.length; i += size) {
            await writer().applyBatch('kafka:t', 0, msgs(evs.slice(i, i + size)));
          }
          const r = await pool.query(`SELECT bucket, executing_s, idle_s, fault_s, micro_stop_s, setup_s, planned_downtime_s
            FROM plant_rollup_minute WHERE executing_s + idle_s + fault_s + micro_stop_s + setup_s + planned_downtime_s <> 0
            ORDER BY bucket`);
          // The hourly and daily rollups hold the same sums as the minutes.
          for (const [table, unit] of [['plant_rollup_hour', 'hour'], ['plant_rollup_day', 'day']]) {
            const diff = await pool.query(`SELECT h.bucket, h.executing_s, m.executing_s AS m_executing,
                h.idle_s + h.fault_s + h.micro_stop_s + h.setup_s + h.planned_downtime_s AS other,
                m.other AS m_other
              FROM ${table} h FULL JOIN (SELECT date_trunc('${unit}', bucket, 'UTC') AS bucket, sum(executing_s) AS executing_s,
                sum(idle_s + fault_s + micro_stop_s + setup_s + planned_downtime_s) AS other
                FROM plant_rollup_minute GROUP BY 1) m ON m.bucket = h.bucket
              WHERE h.bucket IS NULL OR m.bucket IS NULL
                OR abs(h.executing_s - m.executing_s) > 1e-6 OR abs(h.idle_s + h.fault_s + h.micro_stop_s + h.setup_s + h.planned_downtime_s - m.other) > 1e-6`);
            expect(diff.rows).toEqual([]);
          }
          return r.rows.map(row => ({ ...row, bucket: row.bucket.toISOString() }));
        };
        const expected = await run(inOrder, inOrder.length);
        const actual = await run(shuffled, batchSize);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('reads counters from message bytes as from text: same results, rollups and machine rows', async () => {
    // Counters the scanner reads (usual form) and ones it leaves to the parser
    // (offset time, invalid sums, a reset, a duplicate, a late reading).
    const events: (TelemetryEvent | string)[] = [
      { ...m, type: 'idealCycleTime', productId: 'p', idealCycleTimeSeconds: 2, sourceTimestamp: at(0) } as TelemetryEvent,
      state(0, 'Executing'),
      { ...counters(0, 100, 1), good: 95 } as TelemetryEvent, // 4 still in the machine
      { ...counters(30, 130, 2), startupReject: 1 } as TelemetryEvent,
      counters(30, 130, 2), // duplicate
      counters(20, 125, 2), // late
      { ...counters(60, 170, 3), sourceTimestamp: '2026-11-25T07:01:00+01:00' } as TelemetryEvent,
      { ...counters(90, 180, 3), good: 180 } as TelemetryEvent, // good + reject above total: dead letter
      JSON.stringify(counters(120.25, 10, 0)).replace('{', '{ '), // reset, with a space
      `{"schemaVersion":1,"type":"counters","site":"s1","line":"l1","machine":"m2","sourceTimestamp":"${at(0)}","total":5,"good":5,"reject":0}`,
      `{"schemaVersion":1,"type":"counters","site":"s1","line":"l1","machine":"m2","sourceTimestamp":"${at(61)}","total":9,"good":6,"reject":1}`,
    ];
    const snapshot = async () => ({
      minutes: (await pool.query('SELECT * FROM plant_rollup_minute ORDER BY machine, bucket')).rows,
      days: (await pool.query('SELECT * FROM plant_rollup_day ORDER BY machine, bucket')).rows,
      machines: (await pool.query('SELECT * FROM plant_machine ORDER BY machine')).rows,
      dead: (await pool.query('SELECT position, raw, reason FROM plant_dead_letter ORDER BY id')).rows,
    });
    offset = 0;
    const asText = await writer().applyBatch('kafka:t', 0, msgs(events));
    const fromText = await snapshot();
    await pool.query('TRUNCATE plant_machine, plant_state_transition, plant_rollup_minute, plant_rollup_hour, plant_rollup_day, plant_ingest_offset, plant_dead_letter');
    offset = 0;
    const bytes = msgs(events).map(x => ({ ...x, value: Buffer.from(x.value) }));
    const asBytes = await writer().applyBatch('kafka:t', 0, bytes);
    expect(asBytes).toEqual(asText);
    expect(asText).toMatchObject({ applied: 9, duplicates: 1, late: 1, deadLettered: 1 });
    expect(await snapshot()).toEqual(fromText);
    expect(fromText.minutes.length).toBeGreaterThan(2);
  });

  it('keeps hourly and daily rollups with the same counts as the minutes', async () => {
    offset = 0;
    await writer().applyBatch('kafka:t', 0, msgs([
      { ...m, type: 'idealCycleTime', productId: 'p', idealCycleTimeSeconds: 2, sourceTimestamp: at(0) } as TelemetryEvent,
      state(0, 'Executing'),
      counters(0, 0, 0),
      counters(1800, 500, 5),
      { ...counters(3700, 900, 12), startupReject: 4 } as TelemetryEvent,
      state(3700, 'Idle'),
      { ...counters(86_400, 1000, 20), startupReject: 6 } as TelemetryEvent,
    ]));
    const sums = async (table: string) =>
      (await pool.query(`SELECT count(*)::int AS rows, sum(executing_s)::float AS executing, sum(produced)::int AS produced,
        sum(reject)::int AS reject, sum(startup_reject)::int AS startup, sum(ideal_startup_reject_s)::float AS ideal_startup
        FROM ${table}`)).rows[0];
    const minute = await sums('plant_rollup_minute');
    expect(minute).toMatchObject({ executing: 3700, produced: 1000, reject: 20, startup: 2, ideal_startup: 4 });
    expect(await sums('plant_rollup_hour')).toMatchObject({ ...minute, rows: 3 }); // hours 06 and 07, and 06 the next day
    expect(await sums('plant_rollup_day')).toMatchObject({ ...minute, rows: 2 });
  });

  it('lets concurrent transactions create the same new month partition', async () => {
    // Each writer has its own partition cache; all start on a month nobody wrote yet.
    const month = Date.parse('2031-03-10T00:00:00Z');
    const atMonth = (s: number) => new Date(month + s * 1000).toISOString();
    const results = await Promise.all(
      [0, 1, 2, 3].map(p => writer().applyBatch('kafka:race', p, [
        { offset: '0', value: JSON.stringify({ ...m, machine: `m${p}`, type: 'machineState', state: 'Executing', sourceTimestamp: atMonth(0) }) },
        { offset: '1', value: JSON.stringify({ ...m, machine: `m${p}`, type: 'machineState', state: 'Idle', sourceTimestamp: atMonth(600) }) },
      ])),
    );
    expect(results.map(r => r.applied)).toEqual([2, 2, 2, 2]);
    const r = await pool.query(`SELECT count(DISTINCT machine)::int AS machines, sum(executing_s)::float AS executing
      FROM plant_rollup_minute_p203103`);
    expect(r.rows[0]).toEqual({ machines: 4, executing: 2400 });
  });

  it('lets concurrent transactions of one writer create the same new month partition', async () => {
    // One writer, as KafkaIngestor runs it with partitionsConsumedConcurrently > 1:
    // a partition one transaction creates is not visible to the others until it commits.
    const shared = writer();
    const month = Date.parse('2032-05-10T00:00:00Z');
    const atMonth = (s: number) => new Date(month + s * 1000).toISOString();
    const results = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(p => shared.applyBatch('kafka:race1', p, [
        { offset: '0', value: JSON.stringify({ ...m, machine: `m${p}`, type: 'machineState', state: 'Executing', sourceTimestamp: atMonth(0) }) },
        { offset: '1', value: JSON.stringify({ ...m, machine: `m${p}`, type: 'machineState', state: 'Idle', sourceTimestamp: atMonth(600) }) },
      ])),
    );
    expect(results.map(r => r.applied)).toEqual([2, 2, 2, 2, 2, 2]);
    const r = await pool.query(`SELECT count(DISTINCT machine)::int AS machines, sum(executing_s)::float AS executing
      FROM plant_rollup_day_p203205`);
    expect(r.rows[0]).toEqual({ machines: 6, executing: 3600 });
  });
});
