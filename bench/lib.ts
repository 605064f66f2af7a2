/*
 * Shared helpers for the benchmarks in this folder. Benchmarks are run by
 * hand (see README.md), never from tests.
 */
import { Pool, PoolConfig } from 'pg';
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { PlantOpcUaServer, PlantOpcUaServerOptions } from '@plantops/plant-simulator';
// Deep imports: the package index also loads node-opcua, which these benches do not need.
import { defaultPlant, PlantConfig } from '@plantops/plant-simulator/src/model';

export const PG_URL =
  process.env.PLANTOPS_BENCH_PG_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

/** Only loopback servers: the benchmarks must never touch anything else. */
export function assertLoopback(url: string) {
  const host = new URL(url.includes('://') ? url : `tcp://${url}`).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(
      `refusing to benchmark against ${host}: loopback addresses only`,
    );
  }
}

const pendingDrops = new Set<() => Promise<void>>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: dropping the benchmark databases`);
    // Connections the drop terminates report errors: they do not matter now.
    process.on('uncaughtException', () => undefined);
    void Promise.allSettled([...pendingDrops].map(d => d())).then(() =>
      process.exit(130),
    );
  });
}

/** A fresh database (bench_<prefix>_<random>), dropped by drop() (or on Ctrl-C). */
export async function createBenchDatabase(
  prefix: string,
  poolConfig: PoolConfig = {},
) {
  assertLoopback(PG_URL);
  const name = `bench_${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: PG_URL, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const pool = new Pool({
    connectionString: url.toString(),
    max: 4,
    ...poolConfig,
  });
  // An idle connection ended by the server (e.g. DROP DATABASE ... FORCE) must not crash the bench.
  pool.on('error', e => console.error(`pool ${name}: ${e.message}`));
  admin.on('error', e => console.error(`admin pool: ${e.message}`));
  let dropping: Promise<void> | undefined;
  const drop = () => {
    dropping ??= (async () => {
      pendingDrops.delete(drop);
      // A client still checked out (an interrupted query) would keep end() waiting.
      await Promise.race([pool.end().catch(() => undefined), sleep(2000)]);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    })();
    return dropping;
  };
  pendingDrops.add(drop);
  return { name, url: url.toString(), pool, admin, drop };
}

/** `--name value` / `--flag` command line options. */
export function args(argv = process.argv.slice(2)) {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--'))
      out.set(a.slice(2), argv[++i]);
    else out.set(a.slice(2), 'true');
  }
  return {
    num(name: string, dflt: number) {
      const v = out.get(name);
      if (v === undefined) return dflt;
      const n = Number(v.replace(/_/g, ''));
      if (!Number.isFinite(n)) throw new Error(`--${name}: not a number: ${v}`);
      return n;
    },
    str(name: string, dflt: string) {
      return out.get(name) ?? dflt;
    },
    bool(name: string) {
      return out.get(name) === 'true';
    },
    has(name: string) {
      return out.has(name);
    },
  };
}

export function table(headers: string[], rows: (string | number)[][]) {
  const lines = [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map(r => `| ${r.map(String).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  f1: (n: number) => n.toFixed(1),
  f2: (n: number) => n.toFixed(2),
  pct: (n: number) => `${(n * 100).toFixed(1)} %`,
  mb: (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`,
  s: (ms: number) => `${(ms / 1000).toFixed(1)} s`,
};

export function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[i];
}

/** utime + stime of a process from /proc, in ms (0 when it is gone). */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (after pid and comm), in clock ticks
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

export function machineLine() {
  const load = os
    .loadavg()
    .map(l => l.toFixed(1))
    .join(' ');
  return `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), ${fmt.mb(
    os.totalmem(),
  )} RAM, node ${process.version}, load average at start ${load}`;
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * A full garbage collection now, so a timed run does not pay for the garbage
 * of the steps before it (generating, producing, an earlier run).
 */
export function collectGarbage() {
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * A plant of `sites` x `linesPerSite` x `machinesPerLine`, machine names
 * m-00.., with the demo plant's products and its Berlin shift calendar
 * (three shifts with breaks, Monday to Saturday).
 */
export function makePlant(
  sites: number,
  linesPerSite: number,
  machinesPerLine: number,
): PlantConfig {
  const demo = defaultPlant();
  const calendar = demo.sites[0].calendar;
  const templates = demo.sites.flatMap(s => s.lines.flatMap(l => l.machines));
  const plant: PlantConfig = { sites: [] };
  let n = 0;
  for (let s = 0; s < sites; s++) {
    plant.sites.push({
      name: `site-${String(s).padStart(2, '0')}`,
      calendar,
      lines: Array.from({ length: linesPerSite }, (_, l) => ({
        name: `line-${String(l).padStart(2, '0')}`,
        machines: Array.from({ length: machinesPerLine }, (_, m) => ({
          name: `m-${String(m).padStart(2, '0')}`,
          products: templates[n++ % templates.length].products,
        })),
      })),
    });
  }
  return plant;
}

/** A LoggerService that prints warnings and errors only. */
export function benchLogger(prefix = ''): any {
  const logger: any = {
    error: (m: string) => console.error(`${prefix}ERROR ${m}`),
    warn: (m: string) => console.error(`${prefix}WARN ${m}`),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

// ------------------------------------------------ child processes (servers under test)

/**
 * Forks the benchmark file itself with `--child` (the same options, and
 * `extraArgs` to tell several children apart), with
 * the TypeScript transform and without NODE_OPTIONS, so each side's CPU and
 * memory can be told apart. Stop it with stopChild().
 */
export function forkChild(file: string, extraArgs: string[] = []): ChildProcess {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return fork(file, [...process.argv.slice(2), '--child', ...extraArgs], {
    execArgv: ['--require', '@backstage/cli/config/nodeTransform.cjs'],
    env,
  });
}

/** Sends the child `{ type: 'exit' }` and waits until it is gone (killed after `timeoutMs`). */
export async function stopChild(proc: ChildProcess, timeoutMs = 15_000) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise(r => proc.once('exit', r));
  if (proc.connected) proc.send({ type: 'exit' });
  const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  await gone;
  clearTimeout(t);
}

/** The child's next message of `type`; rejects when the child exits first or after `timeoutMs`. */
export function waitForMessage<M extends { type: string }>(
  proc: ChildProcess,
  type: string,
  timeoutMs = 120_000,
): Promise<M> {
  return new Promise<M>((resolve, reject) => {
    const done = () => {
      clearTimeout(t);
      proc.off('message', on);
      proc.off('exit', exit);
    };
    const exit = (code: number | null) => {
      done();
      reject(new Error(`the child process exited (${code}) while waiting for ${type}`));
    };
    const t = setTimeout(() => {
      done();
      reject(new Error(`timed out waiting for the child's ${type}`));
    }, timeoutMs);
    // The transform loader sends messages of its own on the same channel.
    const on = (m: any) => {
      if (m?.type !== type) return;
      done();
      resolve(m as M);
    };
    proc.on('message', on);
    proc.once('exit', exit);
  });
}

/** Resident memory of a process from /proc, in bytes (0 when it is gone). */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A loopback port nobody listens on (at the time of asking). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>(r => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise(r => s.close(r));
  return port;
}

/**
 * Starts `count` plant simulator OPC UA servers on loopback, one after the
 * other (each loads the standard nodeset: CPU-bound). The simulator package
 * (node-opcua) is loaded only here.
 */
export async function startPlantServers(
  count: number,
  options: (i: number) => PlantOpcUaServerOptions,
): Promise<PlantOpcUaServer[]> {
  // require, not import(): the transform leaves import() to Node, which sees no named exports here.
  const { PlantOpcUaServer: Server } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@plantops/plant-simulator') as typeof import('@plantops/plant-simulator');
  const servers: PlantOpcUaServer[] = [];
  for (let i = 0; i < count; i++) {
    const server = new Server({
      host: '127.0.0.1',
      hostname: '127.0.0.1',
      ...options(i),
    });
    await server.start();
    servers.push(server);
  }
  return servers;
}

/**
 * The entry point of a benchmark: its child side with `--child`, else main;
 * exits 0 or 1. node-opcua does not load with
 * NODE_OPTIONS=--experimental-vm-modules, so that is refused up front.
 */
export function runBench(
  main: () => Promise<void>,
  child?: () => Promise<void>,
) {
  if (/experimental-vm-modules/.test(process.env.NODE_OPTIONS ?? '')) {
    console.error(
      'node-opcua does not load with NODE_OPTIONS=--experimental-vm-modules: run with env -u NODE_OPTIONS',
    );
    process.exit(2);
  }
  const side = child && process.argv.includes('--child') ? child : main;
  side().then(
    () => {
      if (side === main) process.exit(0);
    },
    e => {
      console.error(e);
      process.exit(1);
    },
  );
}
