/*
 * Health sweep of 1,000 sites. See README.md.
 *
 *   env -u NODE_OPTIONS node --require @backstage/cli/config/nodeTransform.cjs bench/health-sweep.ts \
 *     [--sites 1000] [--opcua-servers 100] [--opcua-dead 10] [--slow 50] [--hanging 5] [--dead 50] \
 *     [--sweeps 3] [--concurrency <OPC UA probe default>] [--http-concurrency <HTTP probe default>] [--timeout-ms 5000]
 *
 * Every site has an HTTP health endpoint (plantops.io/health-url); `--slow`
 * of them answer after 2.5-3.5 s (over the probe's 2 s: degraded),
 * `--hanging` never answer (the probe timeout ends them: down), `--dead`
 * point at a closed port (down). The first `--opcua-servers` sites also have
 * an OPC UA connector on a real PlantOpcUaServer of their own (a one-machine
 * plant); `--opcua-dead` more sites point at OPC UA ports nobody listens on
 * (down). The OPC UA servers and the HTTP endpoints run in two child
 * processes, so the sweeper's CPU and event loop are its own. The sweeper is the
 * product's HealthSweeper with its HTTP and OPC UA probes, storing into a
 * fresh PostgreSQL database through HealthStore; every stored status is
 * compared with the one the site was built to have.
 */
import http from 'node:http';
import { loadavg } from 'node:os';
import type { Entity } from '@backstage/catalog-model';
import type { HealthStatus } from '@plantops/backstage-plugin-plant-common';
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
  forkChild,
  freePort,
  machineLine,
  makePlant,
  percentile,
  procCpuMs,
  rssOf,
  runBench,
  startPlantServers,
  stopChild,
  table,
  waitForMessage,
} from './lib';

const a = args();
const SITES = a.num('sites', 1000);
const OPCUA = a.num('opcua-servers', 100);
const OPCUA_DEAD = a.num('opcua-dead', 10);
const SLOW = a.num('slow', 50);
const HANGING = a.num('hanging', 5);
const DEAD = a.num('dead', 50);
const SWEEPS = a.num('sweeps', 3);
const CONCURRENCY = a.has('concurrency') ? a.num('concurrency', 32) : undefined;
const HTTP_CONCURRENCY = a.has('http-concurrency') ? a.num('http-concurrency', 64) : undefined;
const TIMEOUT_MS = a.num('timeout-ms', 5000);

type Ready = { type: 'ready'; urls: string[] };
type HttpReady = { type: 'ready'; base: string };

/** A child ends on `exit`, or when the parent is gone. */
function onExit(stop: () => Promise<void>) {
  const end = async () => {
    await stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (m: { type: string }) => void (m.type === 'exit' && end()));
  process.once('disconnect', () => void end());
}

/** Child: the OPC UA servers, one tiny plant each, simulated in real time. */
async function opcuaChild() {
  const servers = await startPlantServers(OPCUA, i => ({
    tickMs: 1000,
    maxSessions: 20,
    simulation: { plant: makePlant(1, 1, 1), seed: i + 1, startTime: '2025-03-03T05:00:00Z' },
  }));
  onExit(async () => {
    for (const s of servers) await s.stop().catch(() => undefined);
  });
  const ready: Ready = { type: 'ready', urls: servers.map(s => s.endpointUrl) };
  process.send!(ready);
}

/** Child: the HTTP health endpoints, in a process of their own so nothing else delays their answers. */
async function httpChild() {
  const httpServer = http.createServer((req, res) => {
    const kind = req.url!.split('/')[1];
    if (kind === 'hang') return; // never answers
    const delay = kind === 'slow' ? 2500 + Math.random() * 1000 : 0;
    setTimeout(() => res.end('{"status":"ok"}'), delay);
  });
  httpServer.keepAliveTimeout = 30_000;
  await new Promise<void>(r => httpServer.listen(0, '127.0.0.1', r));
  onExit(async () => {
    httpServer.closeAllConnections();
    httpServer.close();
  });
  const ready: HttpReady = { type: 'ready', base: `http://127.0.0.1:${(httpServer.address() as { port: number }).port}` };
  process.send!(ready);
}

const child = () => (process.argv.includes('--http') ? httpChild() : opcuaChild());

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
  const httpProc = forkChild(__filename, ['--http']);
  const base = (await waitForMessage<HttpReady>(httpProc, 'ready')).base;
  const proc = forkChild(__filename);
  const t0 = performance.now();
  const ready = await waitForMessage<Ready>(proc, 'ready', 1_800_000);
  const serversUpMs = performance.now() - t0;
  const closed = await freePort();

  const entities: Entity[] = [];
  const expected = new Map<string, HealthStatus>();
  for (let i = 0; i < SITES; i++) {
    let url = `${base}/ok/${i}`;
    let want: HealthStatus = 'ok';
    if (i >= SITES - DEAD) {
      url = `http://127.0.0.1:${closed}/dead/${i}`;
      want = 'down';
    } else if (i >= SITES - DEAD - HANGING) {
      url = `${base}/hang/${i}`;
      want = 'down';
    } else if (i >= SITES - DEAD - HANGING - SLOW) {
      url = `${base}/slow/${i}`;
      want = 'degraded';
    }
    let opcua: string | undefined;
    if (i < ready.urls.length) opcua = ready.urls[i];
    else if (i < ready.urls.length + OPCUA_DEAD) {
      opcua = `opc.tcp://127.0.0.1:${closed}`;
      want = 'down';
    }
    entities.push(site(i, url, opcua));
    expected.set(`site:default/site-${i}`, want);
  }
  const wantCounts = [...expected.values()].reduce<Record<string, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {});

  const db = await createBenchDatabase('health', { max: 4 });
  const rows: (string | number)[][] = [];
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  const httpProbe = new HttpProbe({ concurrency: HTTP_CONCURRENCY });
  const opcuaProbe = new OpcUaProbe({ concurrency: CONCURRENCY });
  try {
    await migrateHealth(db.pool);
    const store = new HealthStore(db.pool);
    const sweeper = new HealthSweeper(
      { probes: [httpProbe, opcuaProbe], store, loadEntities: async () => entities, logger: benchLogger('sweep: ') },
      { timeoutMs: TIMEOUT_MS },
    );
    for (let s = 1; s <= SWEEPS; s++) {
      const cpu0 = process.cpuUsage();
      const child0 = procCpuMs(proc.pid!) + procCpuMs(httpProc.pid!);
      const r = await sweeper.sweep();
      const cpu = process.cpuUsage(cpu0);
      const childCpu = procCpuMs(proc.pid!) + procCpuMs(httpProc.pid!) - child0;
      const sorted = [...r.probeMs].sort((x, y) => x - y);
      const current = await store.current();
      const counts = current.reduce<Record<string, number>>((m, h) => ({ ...m, [h.status]: (m[h.status] ?? 0) + 1 }), {});
      const wrong = current.filter(h => expected.get(h.entityRef) !== h.status);
      for (const w of wrong.slice(0, 5)) {
        console.error(`sweep ${s}: ${w.entityRef} is ${w.status}, expected ${expected.get(w.entityRef)}: ${w.reasons.map(x => x.message).join('; ')}`);
      }
      rows.push([
        s,
        r.probes,
        fmt.s(r.wallMs),
        fmt.int(percentile(sorted, 50)),
        fmt.int(percentile(sorted, 99)),
        fmt.int(sorted[sorted.length - 1]),
        fmt.s((cpu.user + cpu.system) / 1000),
        fmt.s(childCpu),
        fmt.mb(process.memoryUsage().rss),
        Object.entries(counts).sort().map(([k, n]) => `${k} ${n}`).join(', '),
        wrong.length + (SITES - current.length),
      ]);
      console.error(`sweep ${s}: ${fmt.s(r.wallMs)}, ${wrong.length} wrong`);
    }
  } finally {
    clearInterval(rssTimer);
    await opcuaProbe.close();
    const childRss = rssOf(proc.pid!);
    await Promise.all([stopChild(proc), stopChild(httpProc)]);
    await db.drop();
    console.log(`# Health sweep: ${SITES} sites\n`);
    console.log(
      `${machine}\n\n${SITES} Site entities, each with an HTTP health URL (served by a second child process; ${SLOW} slow 2.5-3.5 s, ${HANGING} never answering, ${DEAD} on a closed port); ` +
        `${OPCUA} with a real OPC UA server (in a child process, up in ${fmt.s(serversUpMs)}, child RSS ${fmt.mb(childRss)}), ${OPCUA_DEAD} on a dead OPC UA port. ` +
        `Concurrency: HTTP ${httpProbe.concurrency}, OPC UA ${opcuaProbe.concurrency}; probe timeout ${TIMEOUT_MS} ms. ` +
        `Expected statuses: ${Object.entries(wantCounts).sort().map(([k, n]) => `${k} ${n}`).join(', ')}. Load average at end ${loadavg().map(l => l.toFixed(1)).join(' ')}.\n`,
    );
    console.log(
      table(
        ['sweep', 'probes', 'wall', 'p50 probe ms', 'p99 probe ms', 'max probe ms', 'sweeper CPU', 'servers CPU', 'sweeper RSS', 'statuses', 'wrong'],
        rows,
      ),
    );
    console.log(`\nsweeper peak RSS ${fmt.mb(peakRss)}; target: under 10 s per sweep.`);
  }
}

runBench(main, child);
