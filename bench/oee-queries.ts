/*
 * OEE query latency over the minute, hourly and daily rollups. See README.md.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/oee-queries.ts \
 *     [--lines 50] [--lines-per-site 10] [--machines-per-line 20] [--days 30] [--minute-days 2] \
 *     [--load-connections 2] [--iterations 50] [--query-budget-s 8]
 *
 * Loads per-minute rollups for the last `--minute-days` days (INSERT ...
 * SELECT generate_series), builds the hourly and daily rollups from them as
 * RollupWriter keeps them, and copies those hours back over the earlier days
 * so the hourly and daily tables hold the whole window.
 */
import { Pool } from 'pg';
import { loadavg } from 'node:os';
import {
  ensurePartition,
  migrate,
  ROLLUP_TABLES,
} from '../plugins/plant-backend/src/database/schema';
import { OeeQueries } from '../plugins/plant-backend/src/oee/OeeQueries';
import { TELEMETRY_SESSION_OPTIONS } from '../plugins/plant-backend/src/database/TelemetryDatabase';
import {
  args,
  createBenchDatabase,
  fmt,
  machineLine,
  percentile,
  table,
} from './lib';

const a = args();
const LINES = a.num('lines', 50);
const LINES_PER_SITE = a.num('lines-per-site', 10);
const MPL = a.num('machines-per-line', 20);
const DAYS = a.num('days', 30);
const MINUTE_DAYS = Math.min(a.num('minute-days', 2), a.num('days', 30));
const ITERATIONS = a.num('iterations', 50);
const QUERY_BUDGET_MS = a.num('query-budget-s', 8) * 1000;
const LOAD_CONNECTIONS = a.num('load-connections', 2);
const START = Date.parse(a.str('start', '2025-04-01T00:00:00Z')); // April: 30 days, one month partition
const DAY = 86_400_000;
const MACHINES = LINES * MPL;

const T0 = performance.now();
const progress = (m: string) =>
  console.error(`[${((performance.now() - T0) / 1000).toFixed(1)} s] ${m}`);
const site = (l: number) =>
  `site-${String(Math.floor(l / LINES_PER_SITE)).padStart(2, '0')}`;
const line = (l: number) =>
  `line-${String(l % LINES_PER_SITE).padStart(2, '0')}`;

// One row per machine and minute. The state mix comes from a hash of
// (minute, machine): ~80 % executing, idle, faults, micro-stops, setup,
// planned downtime and no-shift minutes; parts at ~95 % of the ideal rate.
const LOAD_SQL = `
INSERT INTO plant_rollup_minute (site, line, machine, bucket, executing_s, idle_s, fault_s, micro_stop_s,
  setup_s, planned_downtime_s, no_shift_s, produced, good, reject, ideal_s, ideal_good_s)
SELECT site, line, machine, b, ex, CASE WHEN r >= 800 AND r < 850 THEN 60 ELSE 0 END,
  CASE WHEN r >= 850 AND r < 880 THEN 60 ELSE 0 END, CASE WHEN r >= 880 AND r < 900 THEN 30 ELSE 0 END,
  CASE WHEN r >= 900 AND r < 930 THEN 60 ELSE 0 END, CASE WHEN r >= 930 AND r < 970 THEN 60 ELSE 0 END,
  CASE WHEN r >= 970 THEN 60 ELSE 0 END,
  produced, produced - rejects, rejects, produced * ict, (produced - rejects) * ict
FROM (
  SELECT site, line, machine, b, r, ex, ict, floor(ex / ict * 0.95)::bigint AS produced,
    CASE WHEN ex > 0 AND r % 7 = 0 THEN 1 ELSE 0 END AS rejects
  FROM (
    SELECT 'site-' || lpad((l / $4)::text, 2, '0') AS site, 'line-' || lpad((l % $4)::text, 2, '0') AS line,
      'm-' || lpad(m::text, 2, '0') AS machine, b,
      abs(hashint8((extract(epoch FROM b)::bigint / 60) * 100000 + l * 1000 + m)) % 1000 AS r,
      0.5 + (m % 5) * 0.25 AS ict
    FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 minute', interval '1 minute') b
    -- Physical order as RollupWriter leaves it: by time, then by Kafka
    -- partition (machines hashed into 6), then plant order.
    CROSS JOIN LATERAL (
      SELECT l, m FROM generate_series(0, $3 - 1) l, generate_series(0, $5 - 1) m
      WHERE b IS NOT NULL ORDER BY abs(hashint4(l * 1000 + m)) % 6, l, m
    ) lm
  ) x, LATERAL (SELECT CASE WHEN r < 800 THEN 60 WHEN r >= 880 AND r < 900 THEN 30 ELSE 0 END::double precision AS ex) e
) y`;

async function loadMinutes(pool: Pool) {
  const perDay: number[] = [];
  const t0 = performance.now();
  let next = DAYS - MINUTE_DAYS;
  await Promise.all(
    Array.from({ length: LOAD_CONNECTIONS }, async () => {
      while (next < DAYS) {
        const d = next++;
        const t = performance.now();
        await pool.query(LOAD_SQL, [
          new Date(START + d * DAY),
          new Date(START + (d + 1) * DAY),
          LINES,
          LINES_PER_SITE,
          MPL,
        ]);
        perDay.push(performance.now() - t);
        progress(`loaded minutes of day ${d + 1}: ${fmt.s(performance.now() - t)}`);
      }
    }),
  );
  return { ms: performance.now() - t0, perDay };
}

const SUM_COLS = [
  'executing_s', 'idle_s', 'fault_s', 'micro_stop_s', 'setup_s', 'planned_downtime_s', 'no_shift_s',
  'produced', 'good', 'reject', 'ideal_s', 'ideal_good_s',
];

/**
 * Hourly and daily rollups as RollupWriter keeps them: the loaded minutes
 * summed per hour, those hours copied back day by day over the days without
 * minutes (same values, earlier dates), and the days summed from the hours.
 */
async function buildCoarse(pool: Pool) {
  const t0 = performance.now();
  const sums = SUM_COLS.map(c => `sum(${c})`).join(', ');
  const cols = `site, line, machine, bucket, ${SUM_COLS.join(', ')}`;
  await pool.query(
    `INSERT INTO plant_rollup_hour (${cols})
     SELECT site, line, machine, date_trunc('hour', bucket, 'UTC'), ${sums} FROM plant_rollup_minute GROUP BY 1, 2, 3, 4`,
  );
  const first = DAYS - MINUTE_DAYS;
  await Promise.all(
    Array.from({ length: LOAD_CONNECTIONS }, async (_, w) => {
      for (let d = first - 1 - w; d >= 0; d -= LOAD_CONNECTIONS) {
        const back = first - d; // copy the first loaded day(s) back onto day d
        const src = first + ((back - 1) % MINUTE_DAYS);
        await pool.query(
          `INSERT INTO plant_rollup_hour (${cols})
           SELECT site, line, machine, bucket - $3 * interval '1 day', ${SUM_COLS.join(', ')}
           FROM plant_rollup_hour WHERE bucket >= $1 AND bucket < $2`,
          [new Date(START + src * DAY), new Date(START + (src + 1) * DAY), src - d],
        );
      }
    }),
  );
  await pool.query(
    `INSERT INTO plant_rollup_day (${cols})
     SELECT site, line, machine, date_trunc('day', bucket, 'UTC'), ${sums} FROM plant_rollup_hour GROUP BY 1, 2, 3, 4`,
  );
  return performance.now() - t0;
}

async function timeQuery(fn: () => Promise<unknown[]>, warmUp: boolean) {
  if (warmUp) await fn();
  const times: number[] = [];
  const t0 = performance.now();
  let groups = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    groups = (await fn()).length;
    times.push(performance.now() - t);
    if (performance.now() - t0 > QUERY_BUDGET_MS) break;
  }
  times.sort((x, y) => x - y);
  return {
    groups,
    n: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: times[times.length - 1],
  };
}

async function main() {
  const started = new Date();
  const machine = machineLine();
  // The plugin's pool settings (openTelemetryDatabase): no JIT, no parallel workers.
  const db = await createBenchDatabase('oee', { max: LOAD_CONNECTIONS + 1, options: TELEMETRY_SESSION_OPTIONS });
  try {
    const setup = await db.pool.connect();
    await migrate(setup);
    await setup.query('BEGIN'); // ensurePartition locks the parent table for the transaction
    for (const { table: t } of ROLLUP_TABLES) {
      for (let d = 0; d < DAYS; d += 28) await ensurePartition(setup, START + d * DAY, t);
      await ensurePartition(setup, START + (DAYS - 1) * DAY, t);
    }
    await setup.query('COMMIT');
    const settings = await setup.query(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN
       ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit', 'synchronous_commit')`,
    );
    setup.release();
    const loaded = await loadMinutes(db.pool);
    const coarseMs = await buildCoarse(db.pool);
    progress(`hourly and daily rollups: ${fmt.s(coarseMs)}`);
    const end = START + DAYS * DAY;
    // "Now" is 23 minutes before the end of the last day: windows that end
    // now have ragged ends, read from hours and minutes.
    const now = end - 23 * 60_000;
    const client = await db.pool.connect();
    // Current machine states, open for a few minutes (what the live plant looks like).
    await client.query(
      `INSERT INTO plant_machine (site, line, machine, state, state_since, total, good, reject, counters_at, ideal_cycle_s, last_event_at)
       SELECT 'site-' || lpad((l / $2)::text, 2, '0'), 'line-' || lpad((l % $2)::text, 2, '0'), 'm-' || lpad(m::text, 2, '0'),
         CASE WHEN m % 10 = 0 THEN 'Idle' ELSE 'Executing' END, $1::timestamptz - ((l + m) % 15) * interval '1 minute',
         1000, 990, 10, $1::timestamptz, 1, $1::timestamptz
       FROM generate_series(0, $3 - 1) l, generate_series(0, $4 - 1) m`,
      [new Date(now), LINES_PER_SITE, LINES, MPL],
    );
    let t = performance.now();
    for (const { table: tb } of ROLLUP_TABLES) await client.query(`ANALYZE ${tb}`);
    await client.query('ANALYZE plant_machine');
    const analyzeMs = performance.now() - t;
    progress(`ANALYZE ${fmt.s(analyzeMs)}`);
    const counts: Record<string, string> = {};
    for (const { table: tb } of ROLLUP_TABLES) {
      const r = await client.query(
        `SELECT count(*)::bigint AS n, (SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid)))
           FROM pg_inherits WHERE inhparent = '${tb}'::regclass) AS size FROM ${tb}`,
      );
      counts[tb] = `${fmt.int(Number(r.rows[0].n))} rows (${r.rows[0].size})`;
    }

    const q = new OeeQueries(db.pool, { microStopSeconds: 120, now: () => now });
    const lastDay = { from: new Date(now - DAY), to: new Date(now) };
    const month = { from: new Date(START), to: new Date(now) };
    const scopes = [
      {
        name: 'one line, the last 24 h (to now)',
        oee: () => q.oee({ ...lastDay, site: site(0), line: line(0), groupBy: 'machine' }),
        oeeBy: 'machine',
        trend: () => q.trend({ ...lastDay, site: site(0), line: line(0), resolution: 'hour' }),
        trendBy: 'hour',
      },
      {
        name: `one site (${LINES_PER_SITE} lines), ${DAYS} days (to now)`,
        oee: () => q.oee({ ...month, site: site(0), groupBy: 'line' }),
        oeeBy: 'line',
        trend: () => q.trend({ ...month, site: site(0), resolution: 'day' }),
        trendBy: 'day',
      },
      {
        name: `whole plant, ${DAYS} days (to now)`,
        oee: () => q.oee({ ...month, groupBy: 'site' }),
        oeeBy: 'site',
        trend: () => q.trend({ ...month, resolution: 'day' }),
        trendBy: 'day',
      },
      {
        name: 'whole plant, current shift-sized window (8 h to now)',
        oee: () => q.oee({ from: new Date(now - 8 * 3600_000), to: new Date(now), groupBy: 'line' }),
        oeeBy: 'line',
        trend: () => q.trend({ from: new Date(now - 8 * 3600_000), to: new Date(now), resolution: 'hour' }),
        trendBy: 'hour',
      },
    ];
    const results: (string | number)[][] = [];
    for (const s of scopes) {
      for (const kind of ['oee', 'trend'] as const) {
        const r = await timeQuery(s[kind], true);
        progress(`${s.name} ${kind}: ${r.n} runs, p50 ${fmt.f1(r.p50)} ms`);
        results.push([
          s.name,
          `${kind}(${kind === 'oee' ? `groupBy ${s.oeeBy}` : `resolution ${s.trendBy}`})`,
          r.groups,
          r.n,
          fmt.f1(r.p50),
          fmt.f1(r.p95),
          fmt.f1(r.max),
          r.p95 < 50 ? 'yes' : 'no',
        ]);
      }
    }
    client.release();

    const out: string[] = [];
    out.push(`## bench/oee-queries.ts: ${started.toISOString()}`);
    out.push('');
    out.push(
      `Machine: ${machine}. Other processes may have been running.`,
    );
    out.push(
      `PostgreSQL settings: ${settings.rows.map(r => `${r.name}=${r.setting}${r.unit ?? ''}`).join(', ')}.`,
    );
    out.push('');
    out.push(
      `Plant: ${LINES} lines (${LINES / LINES_PER_SITE} sites of ${LINES_PER_SITE}) x ${MPL} machines = ${MACHINES} machines, ${DAYS} days. ` +
        `Minutes loaded for the last ${MINUTE_DAYS} days in ${fmt.s(loaded.ms)} ` +
        `(per day ${loaded.perDay.map(ms => fmt.s(ms)).join(', ')}); hourly and daily rollups built in ${fmt.s(coarseMs)}; ` +
        `ANALYZE ${fmt.s(analyzeMs)}. ` +
        Object.entries(counts).map(([k, v]) => `${k}: ${v}`).join('; ') + '.',
    );
    out.push('');
    out.push(table(['scope', 'call', 'groups', 'runs', 'p50 ms', 'p95 ms', 'max ms', 'p95 < 50 ms'], results));
    out.push('');
    out.push(
      `Runs: one warm-up call, then up to ${ITERATIONS} runs per call, stopped early once a call's runs pass ${fmt.s(QUERY_BUDGET_MS)}.`,
    );
    out.push('');
    out.push(`Load average at the end: ${loadavg().map(l => l.toFixed(1)).join(' ')}.`);
    console.log(out.join('\n'));
  } finally {
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
