/*
 * OPC UA ingestion at 10,000 monitored items. See README.md.
 *
 *   env -u NODE_OPTIONS node --require @backstage/cli/config/nodeTransform.cjs bench/opcua.ts \
 *     [--servers 5] [--lines-per-server 25] [--machines-per-line 10] [--seconds 60] \
 *     [--speed 1] [--sampling-ms 1000] [--publishing-ms 1000]
 *
 * The plant simulator's OPC UA servers run in a child process (so each side's
 * CPU and memory can be told apart), one server per site; this process runs
 * one OpcUaIngestor per server, writing through RollupWriter into a fresh
 * database. The simulation is stepped from the wall clock once a second, but
 * only once every ingestor has its initial values, so every value change
 * made on the server side is one the ingestors could see.
 *
 * node-opcua does not load with NODE_OPTIONS=--experimental-vm-modules.
 */
import { loadavg } from 'node:os';
import { parseTelemetryEvent } from '@plantops/backstage-plugin-plant-common';
import { PlantEvent, stacklightColour } from '@plantops/plant-simulator';
import { migrate } from '../plugins/plant-backend/src/database/schema';
import { RollupWriter } from '../plugins/plant-backend/src/ingest/RollupWriter';
import { OpcUaIngestor } from '../plugins/plant-backend/src/ingest/OpcUaIngestor';
import {
  args,
  benchLogger,
  createBenchDatabase,
  fmt,
  forkChild,
  machineLine,
  makePlant,
  procCpuMs,
  runBench,
  sleep,
  startPlantServers,
  stopChild,
  table,
  waitForMessage,
} from './lib';

const a = args();
const SERVERS = a.num('servers', 5);
const LINES = a.num('lines-per-server', 25);
const MPL = a.num('machines-per-line', 10);
const SECONDS = a.num('seconds', 60);
const SPEED = a.num('speed', 1);
const SAMPLING_MS = a.num('sampling-ms', 1000);
const PUBLISHING_MS = a.num('publishing-ms', 1000);
const START_TIME = a.str('start', '2025-03-03T05:00:00Z'); // Monday 06:00 local: shift start
const VARIABLES = 8; // MACHINE_VARIABLES

type Msg =
  | {
      type: 'ready';
      urls: string[];
      machines: { site: string; line: string; machine: string }[][];
    }
  | { type: 'started' }
  | {
      type: 'stopped';
      changes: Record<string, number>;
      events: number;
      ticks: number;
      cpuMs: number;
      peakRss: number;
      snapshot: {
        key: string;
        state: string;
        total: number;
        good: number;
        reject: number;
      }[];
    }
  | { type: 'usage'; cpuMs: number; rss: number };

// --------------------------------------------------------------- server side

async function child() {
  const servers = await startPlantServers(SERVERS, s => {
    const plant = makePlant(1, LINES, MPL);
    plant.sites[0].name = `site-${String(s).padStart(2, '0')}`;
    return {
      tickMs: 0, // stepped below
      simulation: { plant, seed: 11 + s, startTime: START_TIME },
    };
  });
  const urls = servers.map(server => server.endpointUrl);

  // The value of every variable as the server holds it, to count real changes.
  const last = new Map<string, unknown>();
  const changes: Record<string, number> = {};
  let events = 0;
  let counting = false;
  const set = (key: string, variable: string, value: unknown) => {
    const k = `${key}.${variable}`;
    if (last.get(k) === value) return;
    last.set(k, value);
    if (counting) changes[variable] = (changes[variable] ?? 0) + 1;
  };
  for (const server of servers) {
    for (const m of server.simulator.snapshot()) {
      const key = `${m.site}/${m.line}/${m.machine}`;
      set(key, 'State', m.state);
      set(key, 'AndonColour', m.andonColour);
      set(key, 'TotalCount', m.total);
      set(key, 'GoodCount', m.good);
      set(key, 'RejectCount', m.reject);
      set(key, 'IdealCycleTime', m.idealCycleTimeS);
      set(key, 'Product', m.product);
      set(key, 'AndonActive', m.andonActive);
    }
    // Mirrors PlantOpcUaServer's own mapping of events onto its variables.
    server.onEvents((batch: PlantEvent[]) => {
      if (counting) events += batch.length;
      for (const e of batch) {
        const key = `${e.site}/${e.line}/${e.machine}`;
        switch (e.type) {
          case 'machineState':
            set(key, 'State', e.state);
            set(key, 'AndonColour', stacklightColour(e.state));
            break;
          case 'counters':
            set(key, 'TotalCount', e.total);
            set(key, 'GoodCount', e.good);
            set(key, 'RejectCount', e.reject);
            break;
          case 'idealCycleTime':
            set(key, 'IdealCycleTime', e.idealCycleTimeSeconds);
            set(key, 'Product', e.productId);
            break;
          case 'andon':
            set(key, 'AndonActive', e.action !== 'cleared');
            break;
          default:
        }
      }
    });
  }

  let timer: NodeJS.Timeout | undefined;
  let ticks = 0;
  let cpu0 = process.cpuUsage();
  let peakRss = 0;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 500);
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'start') {
      counting = true;
      cpu0 = process.cpuUsage();
      peakRss = process.memoryUsage().rss;
      const realBase = performance.now();
      const simBase = servers.map(s => s.simulator.now.getTime());
      // As SimulationClock does: simulated time follows the real time elapsed.
      timer = setInterval(() => {
        ticks++;
        const due = Math.floor((performance.now() - realBase) * SPEED);
        servers.forEach((s, i) => {
          const ms = simBase[i] + due - s.simulator.now.getTime();
          s.advance(Math.max(0, ms) / 1000);
        });
      }, 1000);
      process.send!({ type: 'started' });
    } else if (m.type === 'stop') {
      clearInterval(timer);
      counting = false;
      const cpu = process.cpuUsage(cpu0);
      // What the nodes hold (the simulator's own counts run ahead between publications).
      const snapshot = servers
        .flatMap(s => s.simulator.snapshot())
        .map(x => {
          const key = `${x.site}/${x.line}/${x.machine}`;
          const v = (name: string) => last.get(`${key}.${name}`);
          return {
            key,
            state: v('State') as string,
            total: v('TotalCount') as number,
            good: v('GoodCount') as number,
            reject: v('RejectCount') as number,
          };
        });
      process.send!({
        type: 'stopped',
        changes,
        events,
        ticks,
        cpuMs: (cpu.user + cpu.system) / 1000,
        peakRss,
        snapshot,
      });
    } else if (m.type === 'usage') {
      const cpu = process.cpuUsage();
      process.send!({
        type: 'usage',
        cpuMs: (cpu.user + cpu.system) / 1000,
        rss: process.memoryUsage().rss,
      });
    } else if (m.type === 'exit') {
      clearInterval(rssTimer);
      for (const s of servers) await s.stop().catch(() => undefined);
      process.exit(0);
    }
  });
  process.send!({
    type: 'ready',
    urls,
    machines: servers.map(s =>
      s.simulator
        .snapshot()
        .map(({ site, line, machine }) => ({ site, line, machine })),
    ),
  });
}

// --------------------------------------------------------------- ingestor side

const waitFor = <T extends Msg['type']>(
  proc: ReturnType<typeof forkChild>,
  type: T,
) => waitForMessage<Extract<Msg, { type: T }>>(proc, type);

async function main() {
  const started = new Date();
  const machineInfo = machineLine();
  const proc = forkChild(__filename);
  const db = await createBenchDatabase('opcua', {
    max: SERVERS + 1,
    idleTimeoutMillis: 0,
  });
  const ingestors: InstanceType<typeof OpcUaIngestor>[] = [];
  try {
    const c = await db.pool.connect();
    await migrate(c);
    c.release();
    const t0 = performance.now();
    const ready = await waitFor(proc, 'ready');
    const serversUpMs = performance.now() - t0;
    const items = ready.machines.reduce((s, m) => s + m.length, 0) * VARIABLES;
    const writer = new RollupWriter(db.pool, raw => parseTelemetryEvent(raw), {
      microStopSeconds: 120,
    });
    const t1 = performance.now();
    ready.urls.forEach((url, i) => {
      ingestors.push(
        new OpcUaIngestor({
          endpointUrl: url,
          machines: ready.machines[i],
          writer,
          logger: benchLogger(`ingestor ${i}: `),
          samplingIntervalMs: SAMPLING_MS,
          publishingIntervalMs: PUBLISHING_MS,
        }),
      );
    });
    for (const ing of ingestors) await ing.start();
    const received = () =>
      ingestors.reduce((s, i) => s + i.counters.received, 0);
    // Initial values: one per item.
    const deadline = performance.now() + 90_000;
    while (
      (received() < items || !ingestors.every(i => i.connected)) &&
      performance.now() < deadline
    )
      await sleep(200);
    if (received() < items)
      throw new Error(
        `only ${received()} of ${items} initial values arrived in 90 s`,
      );
    await sleep(2000);
    await Promise.all(ingestors.map(i => i.flush()));
    const subscribedMs = performance.now() - t1;
    const received0 = received();
    const forwarded0 = ingestors.reduce((s, i) => s + i.counters.forwarded, 0);

    // The measured window.
    const cpu0 = process.cpuUsage();
    const backends = await db.admin.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [db.name],
    );
    const pgCpu = () =>
      backends.rows.reduce(
        (s: number, r: { pid: number }) => s + procCpuMs(r.pid),
        0,
      );
    const pg0 = pgCpu();
    let peakRss = process.memoryUsage().rss;
    proc.send({ type: 'start' });
    await waitFor(proc, 'started');
    const w0 = performance.now();
    while (performance.now() - w0 < SECONDS * 1000) {
      await sleep(500);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    proc.send({ type: 'stop' });
    const stopped = await waitFor(proc, 'stopped');
    // Let the last samples and publishes arrive: until nothing new for 3 s.
    let prev = -1;
    const settle = performance.now();
    while (received() !== prev && performance.now() - settle < 15_000) {
      prev = received();
      await sleep(3000);
    }
    await Promise.all(ingestors.map(i => i.flush()));
    const windowMs = performance.now() - w0;
    const cpu = process.cpuUsage(cpu0);
    const pgCpuMs = pgCpu() - pg0;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const counters = ingestors.map(i => i.counters);
    const sum = (k: keyof (typeof counters)[0]) =>
      counters.reduce((s, x) => s + x[k], 0);

    const serverChanges = Object.values(stopped.changes).reduce(
      (s, x) => s + x,
      0,
    );
    const got = sum('received') - received0;
    // End state: does the database hold what the servers hold?
    const rows = await db.pool.query(
      'SELECT site, line, machine, state, total, good, reject FROM plant_machine',
    );
    const dbState = new Map(
      rows.rows.map(r => [`${r.site}/${r.line}/${r.machine}`, r]),
    );
    let same = 0;
    const diffs: string[] = [];
    for (const s of stopped.snapshot) {
      const r = dbState.get(s.key);
      if (
        r &&
        r.state === s.state &&
        Number(r.total) === s.total &&
        Number(r.good) === s.good &&
        Number(r.reject) === s.reject
      )
        same++;
      else if (diffs.length < 3)
        diffs.push(
          `${s.key}: server ${s.state} ${s.total}/${s.good}/${s.reject}, db ${
            r ? `${r.state} ${r.total}/${r.good}/${r.reject}` : 'missing'
          }`,
        );
    }
    const usage = waitFor(proc, 'usage');
    proc.send({ type: 'usage' });
    const childUsage = await usage;

    const out: string[] = [];
    out.push(`## bench/opcua.ts: ${started.toISOString()}`);
    out.push('');
    out.push(`Machine: ${machineInfo}. Other processes may have been running.`);
    out.push('');
    out.push(
      `${SERVERS} PlantOpcUaServer(s) (one site each, ${LINES} lines x ${MPL} machines) = ${fmt.int(
        items / VARIABLES,
      )} machines x ${VARIABLES} variables = ` +
        `${fmt.int(items)} monitored items, in a child process, up in ${fmt.s(
          serversUpMs,
        )}; ${SERVERS} OpcUaIngestor(s) ` +
        `(sampling ${SAMPLING_MS} ms, publishing ${PUBLISHING_MS} ms, queue 10) subscribed with all initial values in ${fmt.s(
          subscribedMs,
        )}. ` +
        `Simulation stepped every 1 s at speed ${SPEED} for ${SECONDS} s (${
          stopped.ticks
        } steps, ${fmt.int(stopped.events)} events); ` +
        `measured window incl. ${fmt.s(
          windowMs - SECONDS * 1000,
        )} to settle: ${fmt.s(windowMs)}.`,
    );
    out.push('');
    out.push(
      table(
        ['measure', 'value'],
        [
          ['value changes made on the servers', fmt.int(serverChanges)],
          [
            '  by variable',
            Object.entries(stopped.changes)
              .sort((x, y) => y[1] - x[1])
              .map(([k, v]) => `${k} ${fmt.int(v)}`)
              .join(', '),
          ],
          [
            'values received by the ingestors (counters.received, after the initial ones)',
            fmt.int(got),
          ],
          [
            'lost changes (made - received)',
            `${fmt.int(serverChanges - got)} (${fmt.pct(
              (serverChanges - got) / Math.max(1, serverChanges),
            )})`,
          ],
          [
            'events written (counters.forwarded)',
            fmt.int(sum('forwarded') - forwarded0),
          ],
          [
            'invalid / dropped / write failures / reconnects',
            `${sum('invalid')} / ${sum('dropped')} / ${sum(
              'writeFailures',
            )} / ${sum('reconnects')}`,
          ],
          [
            'machines whose state + counters in plant_machine equal the server at the end',
            `${same} of ${stopped.snapshot.length}`,
          ],
          [
            'ingestor process CPU (OPC UA clients + RollupWriter + pg)',
            `${fmt.s((cpu.user + cpu.system) / 1000)} = ${fmt.pct(
              (cpu.user + cpu.system) / 1000 / windowMs,
            )} of one core`,
          ],
          [
            'ingestor process RSS (peak / end)',
            `${fmt.mb(peakRss)} / ${fmt.mb(process.memoryUsage().rss)}`,
          ],
          [
            'server process CPU (simulator + OPC UA servers, while ticking)',
            `${fmt.s(stopped.cpuMs)} = ${fmt.pct(
              stopped.cpuMs / (SECONDS * 1000),
            )} of one core`,
          ],
          [
            'server process RSS (peak / end)',
            `${fmt.mb(stopped.peakRss)} / ${fmt.mb(childUsage.rss)}`,
          ],
          [
            "PostgreSQL CPU (this database's connections)",
            `${fmt.s(pgCpuMs)} = ${fmt.pct(pgCpuMs / windowMs)} of one core`,
          ],
        ],
      ),
    );
    if (diffs.length) {
      out.push('');
      out.push(`First differences: ${diffs.join('; ')}`);
    }
    out.push('');
    out.push(
      `Load average at the end: ${loadavg()
        .map(l => l.toFixed(1))
        .join(' ')}.`,
    );
    console.log(out.join('\n'));
  } finally {
    for (const i of ingestors) await i.stop().catch(() => undefined);
    await stopChild(proc);
    await db.drop();
  }
}

runBench(main, child);
