/*
 * Kafka ingestion throughput: KafkaIngestor + RollupWriter against a bare
 * kafkajs consumer that only counts. See README.md.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/ingest.ts \
 *     [--events 1000000] [--brokers 127.0.0.1:29092] [--partitions 6] \
 *     [--configs 3x50000,6x50000] [--timeout-s 60] [--skip-bare] [--no-profile] \
 *     [--writer-chunks 3333,50000 | none] [--writer-events 200000] [--regenerate] \
 *     [--cpu-profile DIR] [--fetch-partition-mb 5] [--fetch-max-mb 50]
 *
 * A config is <partitionsConsumedConcurrently>x<chunkSize>.
 */
import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Pool, PoolClient } from 'pg';
import { parseTelemetryEvent } from '@plantops/backstage-plugin-plant-common';
import { PlantSimulator } from '@plantops/plant-simulator/src/simulator';
import {
  RollupWriter,
  SourceMessage,
} from '../plugins/plant-backend/src/ingest/RollupWriter';
import { KAFKA_INGEST_DEFAULTS, KafkaIngestor } from '../plugins/plant-backend/src/ingest/KafkaIngestor';
import { migrate } from '../plugins/plant-backend/src/database/schema';
import {
  args,
  assertLoopback,
  benchLogger,
  collectGarbage,
  createBenchDatabase,
  fmt,
  machineLine,
  makePlant,
  procCpuMs,
  sleep,
  table,
} from './lib';

const a = args();
const N = a.num('events', 1_000_000);
const PARTITIONS = a.num('partitions', 6);
const BROKERS = a
  .str('brokers', process.env.PLANTOPS_BENCH_KAFKA_BROKERS ?? '127.0.0.1:29092')
  .split(',');
const DEFAULT_CONFIG = `${KAFKA_INGEST_DEFAULTS.partitionsConsumedConcurrently}x${KAFKA_INGEST_DEFAULTS.chunkSize}`;
const CONFIGS = a
  .str('configs', `${DEFAULT_CONFIG},6x${KAFKA_INGEST_DEFAULTS.chunkSize}`)
  .split(',')
  .map(c => {
    const [conc, chunk] = c.split('x').map(Number);
    if (!(conc > 0 && chunk > 0))
      throw new Error(`--configs: "${c}" is not <concurrency>x<chunkSize>`);
    return { conc, chunk };
  });
const TIMEOUT_MS = a.num('timeout-s', 60) * 1000;
const SITES = a.num('sites', 5);
const LINES = a.num('lines-per-site', 10);
const MACHINES = a.num('machines-per-line', 20);
const PROFILE = !a.bool('no-profile');
const WRITER_CHUNKS =
  a.str('writer-chunks', '3333,50000') === 'none'
    ? []
    : a.str('writer-chunks', '3333,50000').split(',').map(Number);
const WRITER_EVENTS = a.num('writer-events', 200_000);
const WRITER_CONC = a.num('writer-concurrency', 2);
/** A folder for a V8 CPU profile of each KafkaIngestor run (open in Chrome DevTools). */
const CPU_PROFILE = a.str('cpu-profile', '');
/** KafkaIngestor fetch sizes in MB (its defaults when not given). */
const FETCH = {
  maxBytesPerPartition: a.num('fetch-partition-mb', 0) * 1024 * 1024 || undefined,
  maxBytes: a.num('fetch-max-mb', 0) * 1024 * 1024 || undefined,
};
BROKERS.forEach(assertLoopback);

const kafkaErrors: string[] = [];
const logCreator = () => (entry: LogEntry) => {
  if (entry.level <= logLevel.ERROR) {
    const detail = (entry.log as { error?: string }).error;
    kafkaErrors.push(
      `${entry.namespace}: ${entry.log.message}${detail ? `: ${detail}` : ''}`,
    );
    if (kafkaErrors.length <= 5)
      console.error(`kafkajs ERROR ${kafkaErrors[kafkaErrors.length - 1]}`);
  }
};
const kafka = new Kafka({
  brokers: BROKERS,
  clientId: 'plantops-bench',
  logLevel: logLevel.ERROR,
  logCreator,
});
const servicesDir = process.env.PLANTOPS_SERVICES_DIR ?? '/tmp/bench-services';
const kafkaPid = (() => {
  try {
    return (
      Number(readFileSync(`${servicesDir}/kafka.pid`, 'utf8').trim()) ||
      undefined
    );
  } catch {
    return undefined;
  }
})();

/**
 * N telemetry events from the simulator, serialized once, keyed by machine.
 * Cached in /tmp (same size, plant and seed give the same events), since
 * generating a million takes a while on a busy 2-core machine.
 */
function generate() {
  const file = join(
    tmpdir(),
    `plantops-bench-ingest-${N}-${SITES}x${LINES}x${MACHINES}-seed7.bin`,
  );
  if (existsSync(file) && !a.bool('regenerate')) {
    const buf = readFileSync(file);
    const header = JSON.parse(
      buf.subarray(4, 4 + buf.readUInt32LE(0)).toString('utf8'),
    );
    const keys: Buffer[] = [];
    const values: Buffer[] = [];
    let o = 4 + buf.readUInt32LE(0);
    while (o < buf.length) {
      const kl = buf.readUInt32LE(o);
      keys.push(buf.subarray(o + 4, o + 4 + kl));
      o += 4 + kl;
      const vl = buf.readUInt32LE(o);
      values.push(buf.subarray(o + 4, o + 4 + vl));
      o += 4 + vl;
    }
    return {
      keys,
      values,
      mix: header.mix as Record<string, number>,
      simulated: new Date(header.simulated),
      cached: true,
    };
  }
  const g = simulate();
  const header = Buffer.from(
    JSON.stringify({ mix: g.mix, simulated: g.simulated.toISOString() }),
  );
  const parts: Buffer[] = [u32(header.length), header];
  for (let i = 0; i < g.values.length; i++)
    parts.push(
      u32(g.keys[i].length),
      g.keys[i],
      u32(g.values[i].length),
      g.values[i],
    );
  writeFileSync(file, Buffer.concat(parts));
  return { ...g, cached: false };
}

function u32(n: number) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function simulate() {
  const sim = new PlantSimulator({
    plant: makePlant(SITES, LINES, MACHINES),
    seed: 7,
    startTime: '2025-03-03T05:00:00Z', // a Monday, 06:00 local: early shift
  });
  const keys: Buffer[] = [];
  const values: Buffer[] = [];
  const mix: Record<string, number> = {};
  while (values.length < N) {
    for (const e of sim.advance(300)) {
      if (values.length >= N) break;
      mix[e.type] = (mix[e.type] ?? 0) + 1;
      keys.push(Buffer.from(`${e.site}/${e.line}/${e.machine}`));
      values.push(Buffer.from(JSON.stringify(e)));
    }
  }
  return { keys, values, mix, simulated: sim.now };
}

async function produce(topic: string, keys: Buffer[], values: Buffer[]) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS }],
    waitForLeaders: true,
  });
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const t0 = performance.now();
  const step = 20_000;
  for (let i = 0; i < values.length; i += step) {
    const messages = [];
    for (let j = i; j < Math.min(values.length, i + step); j++)
      messages.push({ key: keys[j], value: values[j] });
    await producer.send({ topic, acks: -1, messages });
  }
  const ms = performance.now() - t0;
  await producer.disconnect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const perPartition = offsets.map(o => Number(o.high)).sort((x, y) => x - y);
  const total = perPartition.reduce((s, x) => s + x, 0);
  if (total !== N)
    throw new Error(`topic holds ${total} messages, expected ${N}`);
  return { ms, perPartition };
}

async function bare(topic: string, concurrency: number) {
  const consumer = kafka.consumer({
    groupId: `bench-bare-${randomBytes(4).toString('hex')}`,
  });
  collectGarbage();
  const cpu0 = process.cpuUsage();
  const k0 = kafkaPid ? procCpuMs(kafkaPid) : 0;
  const t0 = performance.now();
  let first = 0;
  let count = 0;
  let batches = 0;
  let resolveDone!: (t: number) => void;
  const done = new Promise<number>(r => {
    resolveDone = r;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: concurrency,
    eachBatch: async ({ batch }) => {
      if (!first) first = performance.now();
      batches++;
      count += batch.messages.length;
      if (count >= N) resolveDone(performance.now());
    },
  });
  const end = await Promise.race([
    done,
    sleep(TIMEOUT_MS).then(() => performance.now()),
  ]);
  const cpu = process.cpuUsage(cpu0);
  const kafkaCpu = kafkaPid ? procCpuMs(kafkaPid) - k0 : NaN;
  await consumer.disconnect();
  return {
    count,
    batches,
    ms: end - t0,
    steadyMs: end - first,
    nodeCpuMs: (cpu.user + cpu.system) / 1000,
    kafkaCpuMs: kafkaCpu,
  };
}

interface SqlStat {
  n: number;
  ms: number;
}

/** Wraps the pool so each statement's wall time is added to `stats`, by kind. */
function timedPool(pool: Pool, stats: Map<string, SqlStat>): Pool {
  const kind = (sql: string) => {
    const s = sql.trim();
    const verb = s.split(/\s/)[0].toUpperCase();
    const target =
      /(?:INTO|UPDATE|FROM|TABLE IF NOT EXISTS)\s+(\w+)/i.exec(s)?.[1] ?? '';
    return `${verb} ${target}${
      /FOR UPDATE\s*$/i.test(s) ? ' FOR UPDATE' : ''
    }`.trim();
  };
  const record = async <T>(sql: string, p: Promise<T>) => {
    const t0 = performance.now();
    try {
      return await p;
    } finally {
      const k = kind(sql);
      const st = stats.get(k) ?? { n: 0, ms: 0 };
      st.n++;
      st.ms += performance.now() - t0;
      stats.set(k, st);
    }
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      return new Proxy(client, {
        get(target, prop) {
          if (prop === 'query') {
            return (sql: any, params?: any) =>
              record(
                typeof sql === 'string' ? sql : sql.text,
                target.query(sql, params),
              );
          }
          const v = (target as any)[prop];
          return typeof v === 'function' ? v.bind(target) : v;
        },
      }) as PoolClient;
    },
    query: (sql: any, params?: any) => record(sql, pool.query(sql, params)),
  } as unknown as Pool;
}

async function ingest(topic: string, conc: number, chunk: number) {
  const db = await createBenchDatabase('ingest', {
    max: conc + 2,
    idleTimeoutMillis: 0,
  });
  try {
    const c = await db.pool.connect();
    await migrate(c);
    c.release();
    const sql = new Map<string, SqlStat>();
    let parseMs = 0;
    let applyMs = 0;
    const parse = (raw: string) => {
      const t = performance.now();
      const r = parseTelemetryEvent(raw);
      parseMs += performance.now() - t;
      return r;
    };
    const writer = new RollupWriter(
      PROFILE ? timedPool(db.pool, sql) : db.pool,
      parse,
      { microStopSeconds: 120 },
    );
    if (PROFILE) {
      const apply = writer.applyBatch.bind(writer);
      writer.applyBatch = async (
        source: string,
        partition: number,
        messages: SourceMessage[],
      ) => {
        const t = performance.now();
        try {
          return await apply(source, partition, messages);
        } finally {
          applyMs += performance.now() - t;
        }
      };
    }
    const totals = {
      batches: 0,
      applied: 0,
      duplicates: 0,
      late: 0,
      dead: 0,
      skipped: 0,
    };
    const ingestor = new KafkaIngestor(
      writer,
      {
        kafka: {
          brokers: BROKERS,
          clientId: 'plantops-bench-ingest',
          logLevel: logLevel.ERROR,
          logCreator,
        },
        topic,
        groupId: `bench-ingest-${randomBytes(4).toString('hex')}`,
        chunkSize: chunk,
        partitionsConsumedConcurrently: conc,
        fetch: FETCH,
        onBatch: (_p, r) => {
          totals.batches++;
          totals.applied += r.applied;
          totals.duplicates += r.duplicates;
          totals.late += r.late;
          totals.dead += r.deadLettered;
          totals.skipped += r.skippedAlreadyCommitted;
        },
      },
      benchLogger('ingestor: '),
    );
    const source = `kafka:${topic}`;
    const errors0 = kafkaErrors.length;
    collectGarbage();
    const cpu0 = process.cpuUsage();
    const k0 = kafkaPid ? procCpuMs(kafkaPid) : 0;
    const profiler = CPU_PROFILE ? await startCpuProfile() : undefined;
    const t0 = performance.now();
    await ingestor.start();
    let committed = 0;
    let first = 0;
    while (performance.now() - t0 < TIMEOUT_MS) {
      const r = await db.pool.query(
        'SELECT coalesce(sum(next_offset), 0)::bigint AS n FROM plant_ingest_offset WHERE source = $1',
        [source],
      );
      committed = Number(r.rows[0].n);
      if (committed > 0 && !first) first = performance.now();
      if (committed >= N) break;
      await sleep(100);
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (profiler) await profiler.stop(`${CPU_PROFILE}/ingest-${conc}x${chunk}.cpuprofile`);
    const kafkaCpu = kafkaPid ? procCpuMs(kafkaPid) - k0 : NaN;
    // CPU of this database's server processes (the pool's connections).
    const backends = await db.admin.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [db.name],
    );
    const pgCpuMs = backends.rows.reduce(
      (s: number, r: { pid: number }) => s + procCpuMs(r.pid),
      0,
    );
    await ingestor.stop();
    const check = await db.pool.query(
      `SELECT (SELECT count(*) FROM plant_rollup_minute) AS rollups,
              (SELECT coalesce(sum(produced), 0) FROM plant_rollup_minute) AS produced,
              (SELECT count(*) FROM plant_state_transition) AS transitions,
              (SELECT count(*) FROM plant_machine) AS machines,
              (SELECT count(*) FROM plant_dead_letter) AS dead`,
    );
    return {
      conc,
      chunk,
      committed,
      ms,
      firstCommitMs: first ? first - t0 : NaN,
      nodeCpuMs: (cpu.user + cpu.system) / 1000,
      kafkaCpuMs: kafkaCpu,
      pgCpuMs,
      parseMs,
      applyMs,
      sql,
      totals,
      check: check.rows[0],
      kafkaErrors: kafkaErrors.length - errors0,
      kafkaErrorTexts: [...new Set(kafkaErrors.slice(errors0))],
    };
  } finally {
    await db.drop();
  }
}

/** A V8 CPU profile of this process from now until `stop(file)`. */
async function startCpuProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.error(`CPU profile: ${file}`);
    },
  };
}

/**
 * RollupWriter alone, no Kafka: the first `events` messages, split by machine
 * into PARTITIONS partitions as a keyed topic would, applied in chunks of
 * `chunk` messages with `conc` partitions in parallel. Shows what the
 * transaction size does, which KafkaIngestor cannot raise today (kafkajs
 * hands it at most one fetch, ~1 MB, per partition).
 */
async function writerOnly(
  keys: Buffer[],
  values: Buffer[],
  events: number,
  conc: number,
  chunk: number,
) {
  const parts: SourceMessage[][] = Array.from({ length: PARTITIONS }, () => []);
  for (let i = 0; i < Math.min(events, values.length); i++) {
    let h = 0;
    for (const b of keys[i]) h = (h * 31 + b) | 0;
    const p = parts[Math.abs(h) % PARTITIONS];
    p.push({ offset: String(p.length), value: values[i].toString('utf8') });
  }
  const n = parts.reduce((s, p) => s + p.length, 0);
  const db = await createBenchDatabase('writer', {
    max: conc + 1,
    idleTimeoutMillis: 0,
  });
  try {
    const c = await db.pool.connect();
    await migrate(c);
    c.release();
    const writer = new RollupWriter(db.pool, raw => parseTelemetryEvent(raw), {
      microStopSeconds: 120,
    });
    let next = 0;
    let transactions = 0;
    const t0 = performance.now();
    const deadline = t0 + TIMEOUT_MS;
    let applied = 0;
    await Promise.all(
      Array.from({ length: conc }, async () => {
        for (let p = next++; p < PARTITIONS; p = next++) {
          for (
            let i = 0;
            i < parts[p].length && performance.now() < deadline;
            i += chunk
          ) {
            const r = await writer.applyBatch(
              'bench',
              p,
              parts[p].slice(i, i + chunk),
            );
            applied += r.applied;
            transactions++;
          }
        }
      }),
    );
    const ms = performance.now() - t0;
    return { n, applied, ms, transactions, conc, chunk };
  } finally {
    await db.drop();
  }
}

/** Single-threaded ceilings of the per-event CPU work, no I/O. */
function microbench(values: Buffer[]) {
  const strings = values.map(v => v.toString('utf8'));
  const time = (fn: (s: string) => unknown) => {
    fn(strings[0]);
    const t0 = performance.now();
    for (const s of strings) fn(s);
    return performance.now() - t0;
  };
  return {
    toString: (() => {
      const t0 = performance.now();
      for (const v of values) v.toString('utf8');
      return performance.now() - t0;
    })(),
    jsonParse: time(s => JSON.parse(s)),
    parseTelemetryEvent: time(s => parseTelemetryEvent(s)),
  };
}

async function main() {
  const started = new Date();
  const machine = machineLine();
  let t = performance.now();
  const { keys, values, mix, simulated, cached } = generate();
  const genMs = performance.now() - t;
  const bytes = values.reduce((s, v) => s + v.length, 0);
  const topic = `bench.telemetry.${randomBytes(4).toString('hex')}`;
  const produced = await produce(topic, keys, values);

  const bareResult = a.bool('skip-bare')
    ? undefined
    : await bare(topic, Math.max(...CONFIGS.map(c => c.conc)));
  const runs = [];
  for (const c of CONFIGS) runs.push(await ingest(topic, c.conc, c.chunk));
  const writerRuns = [];
  for (const chunk of WRITER_CHUNKS)
    writerRuns.push(
      await writerOnly(keys, values, WRITER_EVENTS, WRITER_CONC, chunk),
    );
  const micro = PROFILE ? microbench(values) : undefined;

  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();

  const rate = (n: number, ms: number) => (n / ms) * 1000;
  const out: string[] = [];
  out.push(`## bench/ingest.ts: ${started.toISOString()}`);
  out.push('');
  out.push(
    `Machine: ${machine}. Other processes (test runs, other Kafka broker) may have been running.`,
  );
  out.push('');
  out.push(
    `Input: ${fmt.int(N)} simulator events from ${
      SITES * LINES * MACHINES
    } machines ` +
      `(${Object.entries(mix)
        .map(([k, v]) => `${k} ${fmt.pct(v / N)}`)
        .join(', ')}), ` +
      `${fmt.f1(bytes / N)} bytes each, up to ${simulated.toISOString()}; ${
        cached ? 'read from the /tmp cache' : 'generated + serialized'
      } in ${fmt.s(genMs)}; ` +
      `produced to a fresh ${PARTITIONS}-partition topic in ${fmt.s(
        produced.ms,
      )} (${fmt.int(rate(N, produced.ms))} msg/s; ` +
      `messages per partition ${produced.perPartition.join(', ')}).`,
  );
  out.push('');
  const rows: (string | number)[][] = [];
  if (bareResult) {
    rows.push([
      'bare kafkajs consumer (count only)',
      '-',
      fmt.int(bareResult.count),
      fmt.s(bareResult.ms),
      fmt.int(rate(bareResult.count, bareResult.ms)),
      fmt.int(rate(bareResult.count, bareResult.steadyMs)),
      '1.00',
      fmt.s(bareResult.nodeCpuMs),
      '-',
      fmt.s(bareResult.kafkaCpuMs),
    ]);
  }
  for (const r of runs) {
    const evs = rate(r.committed, r.ms);
    rows.push([
      `KafkaIngestor + RollupWriter${r.committed < N ? ' (TIMED OUT)' : ''}`,
      `${r.conc} x ${r.chunk}`,
      fmt.int(r.committed),
      fmt.s(r.ms),
      fmt.int(evs),
      fmt.int(rate(r.committed, r.ms - r.firstCommitMs)),
      bareResult ? fmt.f2(evs / rate(bareResult.count, bareResult.ms)) : '-',
      fmt.s(r.nodeCpuMs),
      fmt.s(r.pgCpuMs),
      fmt.s(r.kafkaCpuMs),
    ]);
  }
  out.push(
    table(
      [
        'consumer',
        'concurrency x chunkSize',
        'events',
        'wall (start to all committed)',
        'events/s',
        'events/s after first commit',
        'x bare',
        'node CPU',
        'postgres CPU',
        'kafka CPU',
      ],
      rows,
    ),
  );
  out.push('');
  out.push('Targets: >= 100,000 events/s and >= 0.7 x bare.');
  for (const r of runs) {
    out.push('');
    out.push(
      `### ${r.conc} x ${r.chunk}: ${
        r.totals.batches
      } transactions, applied ${fmt.int(r.totals.applied)}, ` +
        `duplicates ${r.totals.duplicates}, late ${r.totals.late}, dead-lettered ${r.totals.dead}, ` +
        `redelivered+skipped ${r.totals.skipped}, kafkajs errors ${r.kafkaErrors}; ` +
        `rollup rows ${fmt.int(
          Number(r.check.rollups),
        )}, state transitions ${fmt.int(Number(r.check.transitions))}, ` +
        `machines ${r.check.machines}, dead letters ${r.check.dead}`,
    );
    for (const e of r.kafkaErrorTexts)
      out.push(`\n- kafkajs error (the batch was retried): ${e}`);
    if (!PROFILE) continue;
    out.push('');
    const sqlMs = [...r.sql.values()].reduce((s, x) => s + x.ms, 0);
    const sqlN = [...r.sql.values()].reduce((s, x) => s + x.n, 0);
    out.push(
      `Time inside applyBatch (summed over ${
        r.conc
      } concurrent partition(s)): ${fmt.s(r.applyMs)}; ` +
        `of it awaiting SQL ${fmt.s(sqlMs)} (${fmt.int(
          sqlN,
        )} statements, ${fmt.f2(
          (sqlN / Math.max(1, r.committed)) * 1000,
        )} per 1000 events), ` +
        `parse (JSON.parse + ajv) ${fmt.s(r.parseMs)}. Wall time ${fmt.s(
          r.ms,
        )}.`,
    );
    out.push('');
    out.push(
      table(
        ['statement', 'count', 'per 1000 events', 'total wall', 'mean ms'],
        [...r.sql.entries()]
          .sort((x, y) => y[1].ms - x[1].ms)
          .map(([k, s]) => [
            `\`${k}\``,
            fmt.int(s.n),
            fmt.f1((s.n / Math.max(1, r.committed)) * 1000),
            fmt.s(s.ms),
            fmt.f2(s.ms / s.n),
          ]),
      ),
    );
  }
  if (writerRuns.length) {
    out.push('');
    out.push(
      'RollupWriter alone (no Kafka; messages split by machine into the same number of partitions, applied in chunks):',
    );
    out.push('');
    out.push(
      table(
        ['events', 'concurrency x chunk', 'transactions', 'wall', 'events/s'],
        writerRuns.map(w => [
          fmt.int(w.applied),
          `${w.conc} x ${w.chunk}`,
          w.transactions,
          fmt.s(w.ms),
          fmt.int(rate(w.applied, w.ms)),
        ]),
      ),
    );
  }
  if (micro) {
    out.push('');
    out.push('Single-threaded CPU ceilings over the same messages (no I/O):');
    out.push('');
    out.push(
      table(
        ['step', 'time for all', 'events/s'],
        [
          [
            'Buffer to string',
            fmt.s(micro.toString),
            fmt.int(rate(N, micro.toString)),
          ],
          [
            'JSON.parse',
            fmt.s(micro.jsonParse),
            fmt.int(rate(N, micro.jsonParse)),
          ],
          [
            'parseTelemetryEvent (JSON.parse + ajv + cross-field)',
            fmt.s(micro.parseTelemetryEvent),
            fmt.int(rate(N, micro.parseTelemetryEvent)),
          ],
        ],
      ),
    );
  }
  out.push('');
  out.push(
    `Load average at the end: ${loadavg()
      .map(l => l.toFixed(1))
      .join(' ')}.`,
  );
  console.log(out.join('\n'));
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
