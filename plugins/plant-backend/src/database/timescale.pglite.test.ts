// Runs in the PGlite pass (--experimental-vm-modules, scripts/test-all.sh), on
// a real TimescaleDB: a PGlite build with TimescaleDB 2.23 built in, reached by
// `pg` through pglite-socket like the embedded store. Jest may then say the
// worker "failed to exit gracefully": V8 is still optimising this build's large
// WebAssembly in the background at exit (nothing is left open, and
// `node --liftoff-only` exits at once); the results are complete by then.
import { PGlite } from '@plantops/pglite-timescaledb';
import { timescaledb } from '@plantops/pglite-timescaledb/timescaledb';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ConfigReader } from '@backstage/config';
import { Pool } from 'pg';
import { parseTelemetryEvent } from '@plantops/backstage-plugin-plant-common';
import { RollupWriter } from '../ingest/RollupWriter';
import { OeeQueries } from '../oee/OeeQueries';
import { migrate } from './schema';
import { runMaintenance } from './maintenance';
import { timescaleMode } from './TelemetryDatabase';

type SocketDb = ConstructorParameters<typeof PGLiteSocketServer>[0]['db'];

/**
 * pglite-socket 0.2 drives PGlite 0.5's execProtocolRawStream and
 * isInTransaction; the TimescaleDB build is PGlite 0.3, which has neither.
 * Both are small on top of 0.3's execProtocolRaw: the whole reply at once,
 * and the transaction status from its last ReadyForQuery ('Z') message.
 */
function socketAdapter(db: PGlite): SocketDb {
  let status = 'I'.charCodeAt(0);
  return {
    waitReady: db.waitReady,
    runExclusive: <T>(fn: () => Promise<T>) => db.runExclusive(fn),
    isInTransaction: () => status !== 'I'.charCodeAt(0),
    async exec(sql: string) {
      const r = await db.exec(sql);
      status = 'I'.charCodeAt(0); // only called for ROLLBACK
      return r;
    },
    async execProtocolRawStream(message: Uint8Array, { onRawData }: { onRawData: (d: Uint8Array) => void }) {
      const out = await db.execProtocolRaw(message);
      for (let i = 0; i + 5 <= out.length; ) {
        const length = ((out[i + 1] << 24) | (out[i + 2] << 16) | (out[i + 3] << 8) | out[i + 4]) >>> 0;
        if (out[i] === 'Z'.charCodeAt(0)) status = out[i + 5];
        i += 1 + length;
      }
      onRawData(out);
    },
  } as unknown as SocketDb;
}

async function timescaleServer() {
  const db = await PGlite.create({ extensions: { timescaledb } });
  const server = new PGLiteSocketServer({ db: socketAdapter(db), host: '127.0.0.1', port: 0 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const pool = new Pool({ host, port: Number(port), user: 'postgres', database: 'postgres', max: 1 });
  return {
    pool,
    async close() {
      await pool.end();
      await server.stop();
      await db.close();
    },
  };
}

const T0 = Date.parse('2026-11-28T00:00:00Z');
const END = T0 + 5 * 86_400_000; // 3 December: the stream crosses a month
const NOW = END + 86_400_000;

/**
 * A deterministic stream for 2 lines x 2 machines over 5 days: state changes
 * every 1 to 90 minutes (some shorter than the micro-stop threshold),
 * cumulative counters with a reset, and batches with events out of order.
 */
function stream() {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const states = ['Executing', 'Executing', 'Executing', 'Idle', 'Fault', 'Setup', 'PlannedDowntime'];
  const events: object[] = [];
  for (const line of ['line-1', 'line-2']) {
    for (const machine of ['filler', 'capper']) {
      const m = { schemaVersion: 1, site: 'plant-a', line, machine };
      const ts = (ms: number) => new Date(ms).toISOString();
      events.push({ ...m, type: 'idealCycleTime', productId: 'bottle', idealCycleTimeSeconds: line === 'line-1' ? 0.75 : 1.25, sourceTimestamp: ts(T0) });
      events.push({ ...m, type: 'counters', total: 0, good: 0, reject: 0, sourceTimestamp: ts(T0) });
      let t = T0;
      let total = 0;
      let reject = 0;
      while (t < END) {
        events.push({ ...m, type: 'machineState', state: states[Math.floor(rand() * states.length)], sourceTimestamp: ts(t) });
        const minutes = rand() < 0.2 ? 1 : 1 + Math.floor(rand() * 90);
        const made = Math.floor(rand() * minutes * 50);
        const bad = Math.floor(made * rand() * 0.05);
        total += made;
        reject += bad;
        t += minutes * 60_000;
        if (rand() < 0.01) {
          total = made; // a counter reset
          reject = bad;
        }
        events.push({ ...m, type: 'counters', total, good: total - reject, reject, sourceTimestamp: ts(t - 1000) });
      }
    }
  }
  events.sort((a, b) => (a as any).sourceTimestamp.localeCompare((b as any).sourceTimestamp));
  // Some events late: swap a few neighbours across batch boundaries.
  for (let i = 499; i + 1 < events.length; i += 500) [events[i], events[i + 1]] = [events[i + 1], events[i]];
  return events.map((e, i) => ({ offset: String(i), value: JSON.stringify(e) }));
}

async function writeStream(pool: Pool) {
  const writer = new RollupWriter(pool, raw => parseTelemetryEvent(raw));
  const messages = stream();
  let applied = 0;
  for (let i = 0; i < messages.length; i += 500) {
    const r = await writer.applyBatch('kafka:t', 0, messages.slice(i, i + 500));
    expect(r.deadLettered).toBe(0);
    applied += r.applied;
  }
  return applied;
}

async function oeeViews(pool: Pool, from = T0, to = END) {
  const q = new OeeQueries(pool, { microStopSeconds: 120, now: () => NOW });
  const w = { from: new Date(from), to: new Date(to) };
  return {
    machine: await q.oee({ ...w, groupBy: 'machine' }),
    line: await q.oee({ ...w, groupBy: 'line' }),
    day: await q.oee({ ...w, groupBy: 'day' }),
    shift: await q.oee({ ...w, groupBy: 'shift' }),
    // A ragged window reads minutes, hours and days.
    ragged: await q.oee({ from: new Date(from + 37 * 60_000), to: new Date(to - 3 * 3600_000 - 11 * 60_000), groupBy: 'site' }),
    trend: await q.trend({ ...w, resolution: 'hour' }),
  };
}

const relkinds = async (pool: Pool) =>
  (await pool.query(
    `SELECT relname, relkind::text FROM pg_class WHERE relname IN ('plant_rollup_minute', 'plant_rollup_hour', 'plant_rollup_day') ORDER BY 1`,
  )).rows.map(r => `${r.relname}:${r.relkind}`);

describe('telemetry store on TimescaleDB', () => {
  let ts: Awaited<ReturnType<typeof timescaleServer>>;
  let native: Awaited<ReturnType<typeof timescaleServer>>;
  beforeAll(async () => {
    ts = await timescaleServer();
    native = await timescaleServer();
  }, 300_000);
  afterAll(async () => {
    await ts?.close();
    await native?.close();
  });

  it('uses hypertables when offered, native partitions when off, and keeps the same OEE', async () => {
    expect(await withClient(ts.pool, c => migrate(c, { now: NOW }))).toEqual({ rollups: 'timescaledb' });
    // The same engine with TimescaleDB on offer, turned off by config: native partitions.
    expect(await withClient(native.pool, c => migrate(c, { now: NOW, timescaledb: 'off' }))).toEqual({
      rollups: 'native', note: 'TimescaleDB is on offer, but plant.telemetry.timescaledb is off',
    });

    const hypertables = await ts.pool.query(
      `SELECT h.hypertable_name AS name, d.column_name AS col, d.time_interval::text AS chunk
       FROM timescaledb_information.hypertables h
       JOIN timescaledb_information.dimensions d USING (hypertable_schema, hypertable_name) ORDER BY 1`,
    );
    expect(hypertables.rows).toEqual([
      { name: 'plant_rollup_day', col: 'bucket', chunk: '365 days' },
      { name: 'plant_rollup_hour', col: 'bucket', chunk: '30 days' },
      { name: 'plant_rollup_minute', col: 'bucket', chunk: '1 day' },
    ]);
    expect(await relkinds(ts.pool)).toEqual(['plant_rollup_day:r', 'plant_rollup_hour:r', 'plant_rollup_minute:r']);
    expect(await relkinds(native.pool)).toEqual(['plant_rollup_day:p', 'plant_rollup_hour:p', 'plant_rollup_minute:p']);
    const ext = await native.pool.query(`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'timescaledb'`);
    expect(ext.rows[0].n).toBe(0);

    const applied = await writeStream(ts.pool);
    expect(await writeStream(native.pool)).toBe(applied);
    expect(applied).toBeGreaterThan(1000);

    const onTimescale = await oeeViews(ts.pool);
    const onNative = await oeeViews(native.pool);
    expect(onTimescale).toEqual(onNative);
    // Real numbers, not an empty match: 4 machines, 5 days, every minute accounted for.
    expect(onTimescale.machine).toHaveLength(4);
    expect(onTimescale.day).toHaveLength(5);
    expect(onTimescale.line[0].elements.production.produced).toBeGreaterThan(10_000);
    expect(onTimescale.line[0].result.oee).toBeGreaterThan(0.1);
    expect(onTimescale.line[0].result.oee).toBeLessThan(1);
    // Every minute up to each machine's last (still open) state is in the rollups.
    const minutes = await ts.pool.query('SELECT count(*)::int AS n FROM plant_rollup_minute');
    expect(minutes.rows[0].n).toBeGreaterThan(4 * (5 * 1440 - 90));
    expect(minutes.rows[0].n).toBeLessThanOrEqual(4 * 5 * 1440);
    // The writer's rows went into daily chunks: one per UTC day with minute rows
    // (the last counter readings of the stream fall on 3 December).
    const chunks = await ts.pool.query(
      `SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE hypertable_name = 'plant_rollup_minute'`,
    );
    const days = await ts.pool.query(
      `SELECT count(DISTINCT date_trunc('day', bucket AT TIME ZONE 'UTC'))::int AS n FROM plant_rollup_minute`,
    );
    expect(days.rows[0].n).toBe(6);
    expect(chunks.rows[0].n).toBe(6);

    // Compression of chunks that ended 2 days before NOW: 28 November to 1 December.
    const { compressed } = await runMaintenance(ts.pool, {}, NOW, 2);
    const minuteChunks = await ts.pool.query(
      `SELECT range_start, is_compressed FROM timescaledb_information.chunks
       WHERE hypertable_name = 'plant_rollup_minute' ORDER BY range_start`,
    );
    expect(minuteChunks.rows.map(r => [r.range_start.toISOString().slice(0, 10), r.is_compressed])).toEqual([
      ['2026-11-28', true], ['2026-11-29', true], ['2026-11-30', true], ['2026-12-01', true],
      ['2026-12-02', false], ['2026-12-03', false],
    ]);
    expect(compressed.length).toBeGreaterThanOrEqual(4);
    expect((await runMaintenance(ts.pool, {}, NOW, 2)).compressed).toEqual([]); // once only
    expect(await oeeViews(ts.pool)).toEqual(onNative);
    // A late state change inside a compressed day is still counted exactly.
    const late = [{ offset: '0', value: JSON.stringify({
      schemaVersion: 1, site: 'plant-a', line: 'line-1', machine: 'filler', type: 'machineState', state: 'Fault',
      sourceTimestamp: '2026-11-29T10:00:30Z',
    }) }];
    for (const pool of [ts.pool, native.pool]) {
      const r = await new RollupWriter(pool, raw => parseTelemetryEvent(raw)).applyBatch('kafka:late', 0, late);
      expect(r.deadLettered).toBe(0);
    }
    const afterLate = await oeeViews(ts.pool);
    expect(afterLate).toEqual(await oeeViews(native.pool));
    expect(afterLate.machine).not.toEqual(onNative.machine);

    // Retention: minute rows for 3 days before NOW (4 December) keep 1 December on.
    const since = Date.parse('2026-12-01T00:00:00Z');
    const keptBefore = await oeeViews(ts.pool, since, END);
    const retention = { plant_rollup_minute: 3 };
    const { dropped } = await runMaintenance(ts.pool, retention, NOW);
    expect(dropped).toHaveLength(3); // 28, 29 and 30 November
    expect(dropped.every(d => d.startsWith('_timescaledb_internal._hyper_'))).toBe(true);
    const left = await ts.pool.query(
      `SELECT min(range_start) AS first, count(*)::int AS n FROM timescaledb_information.chunks
       WHERE hypertable_name = 'plant_rollup_minute'`,
    );
    expect(left.rows[0]).toEqual({ first: new Date('2026-12-01T00:00:00Z'), n: 3 });
    const old = await ts.pool.query(`SELECT count(*)::int AS n FROM plant_rollup_minute WHERE bucket < '2026-12-01'`);
    expect(old.rows[0].n).toBe(0);
    // The native path drops November's partition for the same setting; both keep the same data.
    expect((await runMaintenance(native.pool, retention, NOW)).dropped).toEqual(['plant_rollup_minute_p202611']);
    const keptTimescale = await oeeViews(ts.pool, since, END);
    expect(keptTimescale).toEqual(keptBefore);
    expect(await oeeViews(native.pool, since, END)).toEqual(keptBefore);
  }, 600_000);

  it('never converts a store: the choice made at its first migration stays', async () => {
    expect(await withClient(ts.pool, c => migrate(c, { now: NOW, timescaledb: 'off' }))).toEqual({
      rollups: 'timescaledb',
      note: 'plant.telemetry.timescaledb is off, but this store was created with hypertables and keeps them',
    });
    expect(await withClient(native.pool, c => migrate(c, { now: NOW }))).toEqual({
      rollups: 'native',
      note: 'TimescaleDB is on offer, but this store was created with native partitions and keeps them ' +
        '(a new, empty telemetry database would use hypertables)',
    });
    // A store from before the choice was recorded had native partitions.
    await native.pool.query('DROP TABLE plant_telemetry_storage');
    expect(await withClient(native.pool, c => migrate(c, { now: NOW }))).toEqual({
      rollups: 'native', note: 'TimescaleDB is on offer, but this store already had native partitions and keeps them',
    });
    expect(await relkinds(native.pool)).toEqual(['plant_rollup_day:p', 'plant_rollup_hour:p', 'plant_rollup_minute:p']);
    const ext = await native.pool.query(`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'timescaledb'`);
    expect(ext.rows[0].n).toBe(0);
  }, 120_000);

  it('falls back to native partitions when TimescaleDB is offered but cannot be created', async () => {
    // A new store in its own schema, migrated by a role that may not create the
    // (untrusted) extension, as on a server where it is not preloaded.
    await native.pool.query('CREATE ROLE plant_owner; CREATE SCHEMA fresh AUTHORIZATION plant_owner');
    const storage = await withClient(native.pool, async c => {
      await c.query('SET ROLE plant_owner; SET search_path = fresh');
      try {
        return await migrate(c, { now: NOW });
      } finally {
        await c.query('RESET ROLE; RESET search_path');
      }
    });
    expect(storage.rollups).toBe('native');
    expect(storage.note).toMatch(/^TimescaleDB is on offer but could not be created \(permission denied.*\); native partitions$/);
    const tables = await native.pool.query(
      `SELECT c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'fresh' AND c.relname IN ('plant_rollup_minute', 'plant_telemetry_storage') ORDER BY 1`,
    );
    expect(tables.rows).toEqual([
      { relname: 'plant_rollup_minute', relkind: 'p' },
      { relname: 'plant_telemetry_storage', relkind: 'r' },
    ]);
    expect((await native.pool.query('SELECT rollups FROM fresh.plant_telemetry_storage')).rows).toEqual([{ rollups: 'native' }]);
  }, 120_000);

  it('reads plant.telemetry.timescaledb and names the field and the fix for a bad value', () => {
    expect(timescaleMode(new ConfigReader({}))).toBe('auto');
    expect(timescaleMode(new ConfigReader({ plant: { telemetry: { timescaledb: 'off' } } }))).toBe('off');
    expect(() => timescaleMode(new ConfigReader({ plant: { telemetry: { timescaledb: 'on' } } }))).toThrow(
      "plant.telemetry.timescaledb must be 'auto' or 'off', got 'on'; fix it in app-config or leave it out for auto",
    );
  });
});

async function withClient<T>(pool: Pool, fn: (c: import('pg').PoolClient) => Promise<T>) {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}
