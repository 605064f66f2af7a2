/*
 * Health sweep of 1,000 sites. See README.md.
 *
 *   env -u NODE_OPTIONS node --require @backstage/cli/config/nodeTransform.cjs bench/health-sweep.ts \
 *     [--sites 1000] [--opcua-servers 100] [--opcua-dead 10] [--slow 50] [--hanging 5] [--dead 50] \
 *     [--sweeps 3] [--concurrency 32] [--http-concurrency 128] [--timeout-ms 5000]
 *
 * Every site has an HTTP health endpoint (plantops.io/health-url) on one
 * loopback HTTP server; `--slow` of them answer after 1-3 s, `--hanging` never
 * answer (the probe timeout ends them), `--dead` point at a closed port. The
 * first `--opcua-servers` sites also have an OPC UA connector on a real
 * PlantOpcUaServer of their own (a one-machine plant), run in a child process
 * so server and prober CPU can be told apart; `--opcua-dead` more sites point
 * at OPC UA ports nobody listens on. The sweeper is the product's
 * HealthSweeper with its HTTP and OPC UA probes, storing into a fresh
 * PostgreSQL database through HealthStore.
 */
import { fork, ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import type { Entity } from '@backstage/catalog-model';
import { PlantOpcUaServer } from '@plantops/plant-simulator';
import { HealthStore } from '../plugins/plant-backend/src/health/HealthStore';
import { HealthSweeper } from '../plugins/plant-backend/src/health/HealthSweeper';
import { migrateHealth } from '../plugins/plant-backend/src/health/schema';
import { HttpProbe } from '../plugins/plant-backend/src/health/probes/httpProbe';
import { OpcUaProbe } from '../plugins/plant-backend/src/health/probes/opcuaProbe';
import {
  args,
  benchLogger,
  createBenchDatabase,
  fmt,
  machineLine,
  makePlant,
  percentile,
  procCpuMs,
  table,
} from './lib';

const a = args();
const SITES = a.num('sites', 1000);
const OPCUA = a.num('opcua-servers', 100);
const OPCUA_DEAD = a.num('opcua-dead', 10);
const SLOW = a.num('slow', 50);
const HANGING = a.num('hanging', 5);
const DEAD = a.num('dead', 50);
const SWEEPS = a.num('sweeps', 3);
const CONCURRENCY = a.num('concurrency', 32);
const HTTP_CONCURRENCY = a.num('http-concurrency', 128);
const TIMEOUT_MS = a.num('timeout-ms', 5000);

const rssOf = (pid: number) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};

async function freePort() {
  const s = createServer();
  await new Promise<void>(r => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise(r => s.close(r));
  return port;
}

/** Child: the OPC UA servers, one tiny plant each. */
async function child() {
  const servers: PlantOpcUaServer[] = [];
  for (let i = 0; i < OPCUA; i++) {
    const s = new PlantOpcUaServer({
      host: '127.0.0.1',
      hostname: '127.0.0.1',
      tickMs: 1000,
      maxSessions: 20,
      simulation: { plant: makePlant(1, 1, 1), seed: i + 1, startTime: '2025-03-03T05:00:00Z' },
    });
    await s.start();
    servers.push(s);
  }
  process.send!({ type: 'ready', urls: servers.map(s => s.endpointUrl) });
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'exit') {
      for (const s of servers) await s.stop().catch(() => undefined);
      process.exit(0);
    }
  });
}

function site(i: number, healthUrl: string, opcuaUrl?: string): Entity {
  return {
    apiVersion: 'plantops.io/v1alpha1',
    kind: 'Site',
    metadata: { name: `site-${i}`, namespace: 'default', annotations: { 'plantops.io/health-url': healthUrl } },
    spec: {
      type: 'edge-site',
      owner: 'group:default/edge',
      region: 'eu',
      plantCode: `S${i}`,
      timezone: 'UTC',
      shiftCalendar: { shifts: [] },
      ...(opcuaUrl
        ? { connectors: { opcua: [{ name: 'plc', endpointUrl: opcuaUrl, securityMode: 'None', securityPolicy: 'None' }] } }
        : {}),
    },
  };
}

async function main() {
  const machine = machineLine();
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const proc: ChildProcess = fork(__filename, [...process.argv.slice(2), '--child'], {
    execArgv: ['--require', '@backstage/cli/config/nodeTransform.cjs'],
    env,
  });
  const t0 = performance.now();
  const ready = await new Promise<{ urls: string[] }>((resolve, reject) => {
    // The transform loader sends its own messages on the same channel.
    proc.on('message', (m: any) => m?.type === 'ready' && resolve(m));
    proc.once('exit', code => reject(new Error(`OPC UA server process exited with ${code}`)));
  });
  const serversUpMs = performance.now() - t0;

  const httpServer = http.createServer((req, res) => {
    const kind = req.url!.split('/')[1];
    if (kind === 'hang') return; // never answers
    const delay = kind === 'slow' ? 1000 + Math.random() * 2000 : 0;
    setTimeout(() => res.end('{"status":"ok"}'), delay);
  });
  httpServer.keepAliveTimeout = 30_000;
  await new Promise<void>(r => httpServer.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(httpServer.address() as { port: number }).port}`;
  const closed = await freePort();

  const entities: Entity[] = [];
  for (let i = 0; i < SITES; i++) {
    let url = `${base}/ok/${i}`;
    if (i >= SITES - DEAD) url = `http://127.0.0.1:${closed}/dead/${i}`;
    else if (i >= SITES - DEAD - HANGING) url = `${base}/hang/${i}`;
    else if (i >= SITES - DEAD - HANGING - SLOW) url = `${base}/slow/${i}`;
    let opcua: string | undefined;
    if (i < ready.urls.length) opcua = ready.urls[i];
    else if (i < ready.urls.length + OPCUA_DEAD) opcua = `opc.tcp://127.0.0.1:${closed}`;
    entities.push(site(i, url, opcua));
  }

  const db = await createBenchDatabase('health', { max: 4 });
  const rows: (string | number)[][] = [];
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  try {
    await migrateHealth(db.pool);
    const store = new HealthStore(db.pool);
    const sweeper = new HealthSweeper(
      {
        probes: [new HttpProbe({ concurrency: HTTP_CONCURRENCY }), new OpcUaProbe()],
        store,
        loadEntities: async () => entities,
        logger: benchLogger('sweep: '),
      },
      { concurrency: CONCURRENCY, timeoutMs: TIMEOUT_MS },
    );
    for (let s = 1; s <= SWEEPS; s++) {
      const cpu0 = process.cpuUsage();
      const child0 = procCpuMs(proc.pid!);
      const r = await sweeper.sweep();
      const cpu = process.cpuUsage(cpu0);
      const childCpu = procCpuMs(proc.pid!) - child0;
      const sorted = [...r.probeMs].sort((x, y) => x - y);
      const counts = await db.pool.query(
        `SELECT status, count(*)::int AS n FROM plant_health_current GROUP BY status ORDER BY status`,
      );
      rows.push([
        s,
        r.entities,
        r.probes,
        fmt.s(r.wallMs),
        fmt.int(percentile(sorted, 50)),
        fmt.int(percentile(sorted, 99)),
        fmt.int(sorted[sorted.length - 1]),
        fmt.s((cpu.user + cpu.system) / 1000),
        fmt.s(childCpu),
        fmt.mb(process.memoryUsage().rss),
        counts.rows.map(c => `${c.status} ${c.n}`).join(', '),
      ]);
      console.error(`sweep ${s}: ${fmt.s(r.wallMs)}`);
    }
  } finally {
    clearInterval(rssTimer);
    const childRss = rssOf(proc.pid!);
    proc.send({ type: 'exit' });
    httpServer.closeAllConnections();
    httpServer.close();
    await db.drop();
    console.log(`# Health sweep: ${SITES} sites\n`);
    console.log(
      `${machine}\n\n${SITES} Site entities, each with an HTTP health URL (${SLOW} slow 1-3 s, ${HANGING} never answering, ${DEAD} on a closed port); ` +
        `${OPCUA} with a real OPC UA server (started in ${fmt.s(serversUpMs)}, child RSS ${fmt.mb(childRss)}), ${OPCUA_DEAD} on a dead OPC UA port. ` +
        `Concurrency: HTTP ${HTTP_CONCURRENCY}, OPC UA ${CONCURRENCY}; probe timeout ${TIMEOUT_MS} ms. Load average at end ${(await import('node:os')).loadavg().map(l => l.toFixed(1)).join(' ')}.\n`,
    );
    console.log(
      table(
        ['sweep', 'entities', 'probes', 'wall', 'p50 probe ms', 'p99 probe ms', 'max probe ms', 'sweeper CPU', 'OPC UA servers CPU', 'sweeper RSS', 'statuses'],
        rows,
      ),
    );
    console.log(`\nsweeper peak RSS ${fmt.mb(peakRss)}; target: under 10 s per sweep.`);
  }
}

if (process.argv.includes('--child')) {
  child().catch(e => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    e => {
      console.error(e);
      process.exit(1);
    },
  );
}
