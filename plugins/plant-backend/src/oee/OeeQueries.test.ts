import { parseTelemetryEvent } from '@plantops/backstage-plugin-plant-common';
import { createTestDatabase } from '../testing/testPg';
import { RollupWriter } from '../ingest/RollupWriter';
import { OeeQueries, rollupSegments } from './OeeQueries';

const T0 = Date.parse('2026-11-25T06:00:00Z'); // start of the early shift
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();

/**
 * The classic published vector: a 480 min shift with 60 min of breaks,
 * 47 min of downtime, ideal cycle time 1.0 s, 19,271 parts, 423 rejects
 * -> A 88.81 %, P 86.11 %, Q 97.80 %, OEE 74.79 %.
 */
function classicShift(machine: string) {
  const m = { schemaVersion: 1, site: 'plant-a', line: 'line-1', machine };
  const state = (min: number, s: string) => ({ ...m, type: 'machineState', state: s, sourceTimestamp: at(min) });
  return [
    { ...m, type: 'idealCycleTime', productId: 'bottle', idealCycleTimeSeconds: 1, sourceTimestamp: at(0) },
    { ...m, type: 'counters', total: 0, good: 0, reject: 0, sourceTimestamp: at(0) },
    state(0, 'Executing'),
    state(120, 'PlannedDowntime'),
    state(150, 'Executing'),
    state(200, 'Fault'),
    state(247, 'Executing'),
    state(300, 'PlannedDowntime'),
    state(330, 'Executing'),
    { ...m, type: 'counters', total: 19271, good: 18848, reject: 423, sourceTimestamp: at(479.99) },
    state(480, 'NoShift'),
  ];
}

describe('OeeQueries', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let queries: OeeQueries;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: true });
    const writer = new RollupWriter(db.pool, raw => parseTelemetryEvent(raw));
    const events = [...classicShift('filler'), ...classicShift('capper')];
    const r = await writer.applyBatch('kafka:t', 0, events.map((e, i) => ({ offset: String(i), value: JSON.stringify(e) })));
    expect(r.deadLettered).toBe(0);
    queries = new OeeQueries(db.pool, { microStopSeconds: 120, now: () => T0 + 24 * 3600_000 });
  });
  afterAll(() => db.drop());

  const window = { from: new Date(T0), to: new Date(T0 + 480 * 60_000) };

  it('reproduces the classic vector per machine', async () => {
    const groups = await queries.oee({ ...window, groupBy: 'machine' });
    expect(groups.map(g => g.key.machine)).toEqual(['capper', 'filler']);
    for (const g of groups) {
      expect(g.result.availability).toBeCloseTo(0.8881, 4);
      expect(g.result.performance).toBeCloseTo(0.8611, 4);
      expect(g.result.quality).toBeCloseTo(0.978, 4);
      expect(g.result.oee).toBeCloseTo(0.7479, 4);
      expect(g.elements.time.plannedDowntime).toBe(3600);
      expect(g.elements.time.faultTime).toBe(47 * 60);
    }
  });

  it('aggregates a line by summing elements, and groups by shift and day', async () => {
    const [line] = await queries.oee({ ...window, groupBy: 'line' });
    expect(line.key).toEqual({ site: 'plant-a', line: 'line-1' });
    expect(line.machines).toBe(2);
    expect(line.elements.production.produced).toBe(2 * 19271);
    expect(line.result.oee).toBeCloseTo(0.7479, 4);
    const shifts = await queries.oee({ ...window, groupBy: 'shift' });
    expect(shifts.map(s => s.key.shift)).toEqual(['2026-11-25 early']);
    const days = await queries.oee({ ...window, groupBy: 'day' });
    expect(days.map(d => d.key.day)).toEqual(['2026-11-25']);
  });

  it('gives the same sums from hourly and daily rollups as from the minutes, for a ragged window', async () => {
    const from = new Date(T0 - 36 * 3600_000 + 90_000);
    const to = new Date(T0 + 26 * 3600_000 + 17 * 60_000);
    const [g] = await queries.oee({ from, to, groupBy: 'line', site: 'plant-a' });
    const r = await db.pool.query(
      `SELECT sum(executing_s)::float AS executing, sum(fault_s)::float AS fault, sum(produced)::int AS produced
       FROM plant_rollup_minute WHERE bucket >= $1 AND bucket < $2 AND site = 'plant-a'`,
      [from, to],
    );
    expect(g.elements.time.executingTime).toBeCloseTo(r.rows[0].executing, 6);
    expect(g.elements.time.faultTime).toBeCloseTo(r.rows[0].fault, 6);
    expect(g.elements.production.produced).toBe(r.rows[0].produced);
    expect(g.machines).toBe(2);
  });

  it('groups by the shifts of the Site calendar in its time zone, and reports the current shift per line', async () => {
    const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'] as const;
    const calendars = async () => new Map([['plant-a', {
      timezone: 'Europe/Berlin', // UTC+1 in November: the 07:00 shift starts at 06:00 UTC
      shifts: [
        { name: 'Early', start: '07:00', end: '15:00', days: [...weekdays] },
        { name: 'Late', start: '15:00', end: '23:00', days: [...weekdays] },
      ],
    }]]);
    const sited = new OeeQueries(db.pool, { microStopSeconds: 120, calendars, now: () => T0 + 60 * 60_000 });
    const shifts = await sited.oee({ ...window, groupBy: 'shift', site: 'plant-a' });
    expect(shifts.map(s => s.key.shift)).toEqual(['2026-11-25 Early']);
    expect(shifts[0].result.oee).toBeCloseTo(0.7479, 4);
    // A window across two shifts splits at 15:00 Berlin = 14:00 UTC.
    const two = await sited.oee({ from: new Date(T0 + 420 * 60_000), to: new Date(T0 + 540 * 60_000), groupBy: 'shift', site: 'plant-a' });
    expect(two.map(s => [s.key.shift, s.elements.time.executingTime])).toEqual([['2026-11-25 Early', 2 * 3600]]); // two machines
    const current = await sited.currentShiftByLine();
    expect(current.find(g => g.key.site === 'plant-a')).toMatchObject({ key: { site: 'plant-a', line: 'line-1' }, machines: 2 });
  });

  it('filters by line and returns nothing for an unknown one', async () => {
    expect(await queries.oee({ ...window, groupBy: 'line', line: 'line-9' })).toEqual([]);
  });

  it('gives a trend per hour whose time adds up to the window', async () => {
    const points = await queries.trend({ ...window, resolution: 'hour' });
    expect(points).toHaveLength(8);
    expect(points[0]).toMatchObject({ t: at(0), availability: 1 });
    // 09:20-10:07 (minute 200-247) is the fault: availability drops in hours 3 and 4.
    expect(points[3].availability).toBeLessThan(1);
  });

  it('counts the open interval of a machine still in its state', async () => {
    const writer = new RollupWriter(db.pool, raw => parseTelemetryEvent(raw));
    const m = { schemaVersion: 1, site: 'plant-b', line: 'line-2', machine: 'press' };
    await writer.applyEvents('opcua:test', [
      parseOk({ ...m, type: 'machineState', state: 'Executing', sourceTimestamp: at(0) }),
    ]);
    const live = new OeeQueries(db.pool, { microStopSeconds: 120, now: () => T0 + 30 * 60_000 });
    const [g] = await live.oee({ ...window, groupBy: 'site', site: 'plant-b' });
    expect(g.elements.time.executingTime).toBe(1800);
    expect(g.result.availability).toBe(1);
  });
});

describe('rollupSegments', () => {
  const H = 3_600_000;
  const D = 24 * H;
  it('reads whole days from the daily table, whole hours from the hourly one and the ends from minutes', () => {
    const from = 2 * D + 5 * H + 30 * 60_000; // day 2, 05:30
    const to = 5 * D + 2 * H + 15 * 60_000; // day 5, 02:15
    expect(rollupSegments(from, to, D)).toEqual([
      { table: 'plant_rollup_day', ranges: [[3 * D, 5 * D]] },
      { table: 'plant_rollup_hour', ranges: [[2 * D + 6 * H, 3 * D], [5 * D, 5 * D + 2 * H]] },
      { table: 'plant_rollup_minute', ranges: [[from, 2 * D + 6 * H], [5 * D + 2 * H, to]] },
    ]);
  });
  it('never uses buckets coarser than the grouping allows', () => {
    expect(rollupSegments(0, 2 * D, H).map(s => s.table)).toEqual(['plant_rollup_hour']);
    expect(rollupSegments(0, 2 * D, 60_000)).toEqual([{ table: 'plant_rollup_minute', ranges: [[0, 2 * D]] }]);
    expect(rollupSegments(10 * 60_000, 50 * 60_000, D)).toEqual([
      { table: 'plant_rollup_minute', ranges: [[10 * 60_000, 50 * 60_000]] },
    ]);
  });
});

function parseOk(raw: unknown) {
  const r = parseTelemetryEvent(raw);
  if (!r.ok) throw new Error(r.reason);
  return r.event;
}
