/*
 * OEE query latency over per-minute rollups. See README.md.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/oee-queries.ts \
 *     [--lines 50] [--lines-per-site 10] [--machines-per-line 20] [--days 30] \
 *     [--load-budget-s 60] [--load-connections 2] [--iterations 50] [--query-budget-s 8] [--no-what-if]
 *
 * Loads day by day (INSERT ... SELECT generate_series) until all days are in
 * or the load budget is spent, and says how much it loaded.
 */
import { Pool } from 'pg';
import { loadavg } from 'node:os';
import {
  ensurePartition,
  migrate,
} from '../plugins/plant-backend/src/database/schema';
import { OeeQueries } from '../plugins/plant-backend/src/oee/OeeQueries';
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
const LOAD_BUDGET_MS = a.num('load-budget-s', 60) * 1000;
const ITERATIONS = a.num('iterations', 50);
const QUERY_BUDGET_MS = a.num('query-budget-s', 8) * 1000;
const WHAT_IF = !a.bool('no-what-if');
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

async function load(pool: Pool) {
  const perDay: number[] = [];
  const t0 = performance.now();
  let next = 0;
  let days = 0;
  // LOAD_CONNECTIONS sessions, one day per statement, until the budget would be passed.
  await Promise.all(
    Array.from({ length: LOAD_CONNECTIONS }, async () => {
      let last = 0;
      while (next < DAYS) {
        if (perDay.length > 0 && performance.now() - t0 + last > LOAD_BUDGET_MS)
          return;
        const d = next++;
        const t = performance.now();
        await pool.query(LOAD_SQL, [
          new Date(START + d * DAY),
          new Date(START + (d + 1) * DAY),
          LINES,
          LINES_PER_SITE,
          MPL,
        ]);
        last = performance.now() - t;
        perDay.push(last);
        days = Math.max(days, d + 1);
        progress(`loaded day ${d + 1}: ${fmt.s(last)}`);
      }
    }),
  );
  return { days, ms: performance.now() - t0, perDay };
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
  const db = await createBenchDatabase('oee', { max: LOAD_CONNECTIONS + 1 });
  try {
    const setup = await db.pool.connect();
    await migrate(setup);
    for (let d = 0; d < DAYS; d += 28)
      await ensurePartition(setup, START + d * DAY);
    await ensurePartition(setup, START + (DAYS - 1) * DAY);
    const settings = await setup.query(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN
       ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit', 'synchronous_commit')`,
    );

    setup.release();
    const loaded = await load(db.pool);
    const rows = loaded.days * 1440 * MACHINES;
    const end = START + loaded.days * DAY;
    const now = end; // the window ends now: current states are open intervals from just before
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
    await client.query('ANALYZE plant_rollup_minute');
    await client.query('ANALYZE plant_machine');
    const analyzeMs = performance.now() - t;
    progress(`ANALYZE ${fmt.s(analyzeMs)}`);
    const size = await client.query(
      `SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) AS total
       FROM pg_inherits WHERE inhparent = 'plant_rollup_minute'::regclass`,
    );

    const q = new OeeQueries(db.pool, {
      microStopSeconds: 120,
      now: () => now,
    });
    const lastDay = { from: new Date(end - DAY), to: new Date(end) };
    const month = { from: new Date(START), to: new Date(end) };
    const scopes = [
      {
        name: 'one line, one day',
        rows: 1440 * MPL,
        oee: () =>
          q.oee({
            ...lastDay,
            site: site(0),
            line: line(0),
            groupBy: 'machine',
          }),
        oeeBy: 'machine',
        trend: () =>
          q.trend({
            ...lastDay,
            site: site(0),
            line: line(0),
            resolution: 'hour',
          }),
        trendBy: 'hour',
      },
      {
        name: `one site (${LINES_PER_SITE} lines), ${loaded.days} days`,
        rows: loaded.days * 1440 * LINES_PER_SITE * MPL,
        oee: () => q.oee({ ...month, site: site(0), groupBy: 'line' }),
        oeeBy: 'line',
        trend: () => q.trend({ ...month, site: site(0), resolution: 'day' }),
        trendBy: 'day',
      },
      {
        name: `whole plant, ${loaded.days} days`,
        rows,
        oee: () => q.oee({ ...month, groupBy: 'site' }),
        oeeBy: 'site',
        trend: () => q.trend({ ...month, resolution: 'day' }),
        trendBy: 'day',
      },
    ];
    const results: (string | number)[][] = [];
    const fullRows = DAYS * 1440 * MACHINES;
    for (const s of scopes) {
      for (const kind of ['oee', 'trend'] as const) {
        // One warm-up per scope: trend reads the same rows oee just read.
        const r = await timeQuery(s[kind], kind === 'oee');
        progress(`${s.name} ${kind}: ${r.n} runs, p50 ${fmt.f1(r.p50)} ms`);
        const groups = r.groups;
        const scale = s.rows === 1440 * MPL ? 1 : fullRows / rows; // month scopes grow with the days loaded
        results.push([
          s.name,
          `${kind}(${
            kind === 'oee' ? `groupBy ${s.oeeBy}` : `resolution ${s.trendBy}`
          })`,
          fmt.int(s.rows),
          groups,
          r.n,
          fmt.f1(r.p50),
          fmt.f1(r.p95),
          fmt.f1(r.max),
          scale === 1 ? fmt.f1(r.p95) : `~${fmt.int(r.p95 * scale)}`,
          r.p95 < 50 ? 'yes' : 'no',
        ]);
      }
    }

    // Plans: the biggest query (EXPLAIN only: it is slow), and the smallest with
    // buffers, to see how many pages one line's day touches.
    const SUMS = `sum(executing_s), sum(idle_s), sum(fault_s), sum(micro_stop_s), sum(setup_s), sum(planned_downtime_s),
        sum(no_shift_s), sum(produced), sum(good), sum(reject), sum(ideal_s), sum(ideal_good_s)`;
    const plantPlan = await client.query(
      `EXPLAIN SELECT site AS k0, array_agg(DISTINCT site || '/' || line || '/' || machine) AS machines, ${SUMS}
       FROM plant_rollup_minute WHERE bucket >= $1 AND bucket < $2 GROUP BY k0`,
      [month.from, month.to],
    );
    const linePlan = await client.query(
      `EXPLAIN (ANALYZE, BUFFERS) SELECT site AS k0, line AS k1, machine AS k2,
         array_agg(DISTINCT site || '/' || line || '/' || machine) AS machines, ${SUMS}
       FROM plant_rollup_minute WHERE bucket >= $1 AND bucket < $2 AND site = $3 AND line = $4 GROUP BY k0, k1, k2`,
      [lastDay.from, lastDay.to, site(0), line(0)],
    );

    const whatIf: (string | number)[][] = [];
    if (WHAT_IF) {
      const once = async (
        label: string,
        fn: () => Promise<unknown>,
        runs: number,
      ) => {
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          const t1 = performance.now();
          await fn();
          times.push(performance.now() - t1);
        }
        times.sort((x, y) => x - y);
        whatIf.push([label, runs, fmt.f1(percentile(times, 50))]);
        progress(`what-if ${label}: ${fmt.f1(percentile(times, 50))} ms`);
      };
      await once(
        'whole plant: same sums, no array_agg(DISTINCT) machine list (hash aggregate, parallel scan)',
        () =>
          client.query(
            `SELECT site, ${SUMS} FROM plant_rollup_minute WHERE bucket >= $1 AND bucket < $2 GROUP BY site`,
            [month.from, month.to],
          ),
        1,
      );
      const rollupTable = async (
        name: string,
        unit: string,
        source: string,
      ) => {
        const t1 = performance.now();
        await client.query(
          `CREATE TABLE ${name} AS SELECT site, line, machine, date_trunc('${unit}', bucket) AS bucket,
             sum(executing_s) AS executing_s, sum(idle_s) AS idle_s, sum(fault_s) AS fault_s, sum(micro_stop_s) AS micro_stop_s,
             sum(setup_s) AS setup_s, sum(planned_downtime_s) AS planned_downtime_s, sum(no_shift_s) AS no_shift_s,
             sum(produced) AS produced, sum(good) AS good, sum(reject) AS reject, sum(ideal_s) AS ideal_s, sum(ideal_good_s) AS ideal_good_s
           FROM ${source} GROUP BY 1, 2, 3, 4`,
        );
        await client.query(
          `ALTER TABLE ${name} ADD PRIMARY KEY (site, line, machine, bucket)`,
        );
        await client.query(`ANALYZE ${name}`);
        return performance.now() - t1;
      };
      const hourMs = await rollupTable(
        'bench_rollup_hour',
        'hour',
        'plant_rollup_minute',
      );
      await once(
        `one line, one day by machine, same SQL on a per-machine hourly rollup table (${fmt.int(
          MACHINES * loaded.days * 24,
        )} rows, built in ${fmt.s(hourMs)})`,
        () =>
          client.query(
            `SELECT site, line, machine, array_agg(DISTINCT site || '/' || line || '/' || machine) AS machines, ${SUMS}
           FROM bench_rollup_hour WHERE bucket >= $1 AND bucket < $2 AND site = $3 AND line = $4 GROUP BY site, line, machine`,
            [lastDay.from, lastDay.to, site(0), line(0)],
          ),
        20,
      );
      const buildMs = await rollupTable(
        'bench_rollup_day',
        'day',
        'bench_rollup_hour',
      );
      await once(
        `whole plant, same SQL (with the machine list) on a per-machine daily rollup table (${fmt.int(
          MACHINES * loaded.days,
        )} rows, built from the hourly one in ${fmt.s(buildMs)})`,
        () =>
          client.query(
            `SELECT site, array_agg(DISTINCT site || '/' || line || '/' || machine) AS machines, ${SUMS}
           FROM bench_rollup_day WHERE bucket >= $1 AND bucket < $2 GROUP BY site`,
            [month.from, month.to],
          ),
        5,
      );
      await once(
        'one site by line, same SQL on the daily rollup table',
        () =>
          client.query(
            `SELECT site, line, array_agg(DISTINCT site || '/' || line || '/' || machine) AS machines, ${SUMS}
           FROM bench_rollup_day WHERE bucket >= $1 AND bucket < $2 AND site = $3 GROUP BY site, line`,
            [month.from, month.to, site(0)],
          ),
        5,
      );
    }
    client.release();

    const out: string[] = [];
    out.push(`## bench/oee-queries.ts: ${started.toISOString()}`);
    out.push('');
    out.push(`Machine: ${machine}. Other processes may have been running.`);
    out.push(
      `PostgreSQL settings: ${settings.rows
        .map(r => `${r.name}=${r.setting}${r.unit ?? ''}`)
        .join(', ')}.`,
    );
    out.push('');
    out.push(
      `Plant: ${LINES} lines (${
        LINES / LINES_PER_SITE
      } sites of ${LINES_PER_SITE}) x ${MPL} machines = ${MACHINES} machines. ` +
        `Target size ${DAYS} days = ${fmt.int(fullRows)} rows. ` +
        `Loaded ${loaded.days} of ${DAYS} days = ${fmt.int(
          rows,
        )} rows in ${fmt.s(loaded.ms)} ` +
        `(${fmt.int((rows / loaded.ms) * 1000)} rows/s; per day ${loaded.perDay
          .map(ms => fmt.s(ms))
          .join(', ')}), ` +
        `${
          loaded.days < DAYS
            ? `stopped by the ${fmt.s(
                LOAD_BUDGET_MS,
              )} load budget: the full size would take ~${fmt.s(
                (fullRows / rows) * loaded.ms,
              )}; `
            : ''
        }` +
        `table + indexes ${size.rows[0].total}; ANALYZE ${fmt.s(analyzeMs)}.`,
    );
    out.push('');
    out.push(
      table(
        [
          'scope',
          'call',
          'rollup rows read',
          'groups',
          'runs',
          'p50 ms',
          'p95 ms',
          'max ms',
          `p95 ms at ${DAYS} days (linear)`,
          'p95 < 50 ms',
        ],
        results,
      ),
    );
    out.push('');
    out.push(
      `Runs: one warm-up call per scope (oee; trend reads the same rows right after), then up to ${ITERATIONS} ` +
        `runs per call, stopped early once a call's runs pass ${fmt.s(
          QUERY_BUDGET_MS,
        )}.`,
    );
    out.push('');
    out.push('Plan of the whole-plant SQL (EXPLAIN):');
    out.push('');
    out.push('```');
    for (const r of plantPlan.rows) out.push(String(r['QUERY PLAN']));
    out.push('```');
    out.push('');
    out.push('Plan of the one-line, one-day SQL (EXPLAIN ANALYZE, BUFFERS):');
    out.push('');
    out.push('```');
    for (const r of linePlan.rows) out.push(String(r['QUERY PLAN']));
    out.push('```');
    if (whatIf.length) {
      out.push('');
      out.push('What-if (same data; median of the runs):');
      out.push('');
      out.push(table(['query', 'runs', 'p50 ms'], whatIf));
    }
    out.push('');
    out.push(
      `Load average at the end: ${loadavg()
        .map(l => l.toFixed(1))
        .join(' ')}.`,
    );
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
