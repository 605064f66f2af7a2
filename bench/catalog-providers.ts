/*
 * Catalog providers at scale. See README.md.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/catalog-providers.ts \
 *     [--sites 1000] [--lines 5] [--services 5000] [--clusters 5] [--post-sample 40] [--concurrency 4] [--timeout-s 600]
 *
 * Starts the real catalog backend with catalog-backend-module-plant on a fresh
 * PostgreSQL database, registers `--sites` sites of `--lines` lines each in
 * the site registry (the first --post-sample by POST, the path
 * plant:site:register takes; the rest seeded into the registry table
 * like config seeds, then one scheduled full mutation of the registry),
 * and runs one Kubernetes discovery over `--clusters` Kubernetes API doubles
 * holding `--services` opted-in Deployments between them. Reports the time
 * until every Site, ProductionLine and discovered Component is processed
 * (served by the catalog's entity queries, full-text search included),
 * entities/s, and the memory of the catalog process (the doubles run in a
 * child process).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Knex } from 'knex';
import { parse as parseYaml } from 'yaml';
import knexFactory from 'knex';
import {
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { SchedulerService, ServiceFactory } from '@backstage/backend-plugin-api';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { startKubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { catalogModulePlantEntities } from '../plugins/catalog-backend-module-plant/src/module';
import { registration } from '../plugins/catalog-backend-module-plant/src/testing/fixtures';
import { SiteRegistryStore } from '../plugins/catalog-backend-module-plant/src/siteRegistry/SiteRegistryStore';
import { toRegisteredSite } from '../plugins/catalog-backend-module-plant/src/siteRegistry/registration';
import { args, createBenchDatabase, fmt, machineLine, percentile, procCpuMs, sleep, table } from './lib';

const a = args();
const SITES = a.num('sites', 1000);
const LINES = a.num('lines', 5);
const SERVICES = a.num('services', 5000);
const CLUSTERS = a.num('clusters', 5);
const CONCURRENCY = a.num('concurrency', 4);
const SAMPLE = a.num('post-sample', 40);
const TIMEOUT_S = a.num('timeout-s', 600);

/**
 * The catalog's processing settings as the portal runs with them: the
 * `catalog` block of app-config.yaml with app-config.production.yaml over it,
 * without its locations and rules (the bench brings its own entities).
 */
function portalCatalogSettings(): Record<string, unknown> {
  const read = (file: string) =>
    (parseYaml(readFileSync(resolve(__dirname, '..', file), 'utf8'))?.catalog ?? {}) as Record<string, unknown>;
  const { locations: _l, rules: _r, ...settings } = { ...read('app-config.yaml'), ...read('app-config.production.yaml') };
  return settings;
}

/** Connection options of the catalog's database in production (backend.database.plugin.catalog). */
function portalCatalogConnectionOptions(): string | undefined {
  const production = parseYaml(readFileSync(resolve(__dirname, '..', 'app-config.production.yaml'), 'utf8'));
  return production?.backend?.database?.plugin?.catalog?.connection?.options;
}

async function main() {
  console.log(`# Catalog providers: ${fmt.int(SITES)} sites x ${LINES} lines + ${fmt.int(SERVICES)} discovered services\n`);
  console.log(machineLine(), '\n');

  const db = await createBenchDatabase('catalog');
  const options = portalCatalogConnectionOptions();
  console.log(`catalog database connection options from app-config.production.yaml: \`${options ?? 'none'}\`\n`);
  const knex: Knex = knexFactory({ client: 'pg', connection: { connectionString: db.url, options }, pool: { min: 0, max: 10 } });
  // The doubles (and their controllers) run in a child process, so they neither
  // starve the catalog's event loop nor count in its memory.
  const child = fork(__filename, ['--child', '--services', String(SERVICES), '--clusters', String(CLUSTERS)], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const doubles = await new Promise<Array<{ url: string; token: string }>>((resolve, reject) => {
    // The TypeScript loader also talks over IPC: wait for our own message.
    child.on('message', (m: any) => m?.type === 'plantops-doubles' && resolve(m.doubles));
    child.once('exit', code => reject(new Error(`the Kubernetes doubles exited with ${code}`)));
  });

  const catalogSettings = portalCatalogSettings();
  console.log(`catalog settings from app-config: \`${JSON.stringify(catalogSettings)}\`\n`);
  const scheduler = mockServices.scheduler() as SchedulerService & { factory(o?: object): ServiceFactory };
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModulePlantEntities,
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.database.factory({ knex }),
      mockServices.rootLogger.factory({ level: 'warn' }),
      mockServices.rootConfig.factory({
        data: {
          catalog: { ...catalogSettings, rules: [{ allow: ['Component', 'Resource', 'Location', 'Site', 'ProductionLine'] }] },
          plant: {
            kubernetes: {
              clusters: doubles.map((d, c) => ({ name: `cluster-${c}`, url: d.url, serviceAccountToken: d.token, skipTLSVerify: true })),
            },
            kubernetesDiscovery: { schedule: { frequency: { hours: 1 }, timeout: { minutes: 10 } } },
          },
        },
      }),
    ],
  });
  const api = `http://localhost:${backend.server.port()}/api/catalog`;

  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 500);
  const count = async (kind: string) => {
    const res = await fetch(`${api}/entities/by-query?filter=kind=${kind}&limit=1`);
    return ((await res.json()) as { totalItems: number }).totalItems;
  };

  // CPU of this process and of the bench database's PostgreSQL backends: unlike
  // wall time, CPU per entity carries over between a loaded and a quiet machine.
  const cpu0 = process.cpuUsage();
  const pgCpu = new Map<number, number>();
  const samplePgCpu = async () => {
    const { rows } = await db.admin.query('select pid from pg_stat_activity where datname = $1', [db.name]);
    for (const { pid } of rows) pgCpu.set(pid, Math.max(pgCpu.get(pid) ?? 0, procCpuMs(pid)));
  };
  const pgCpuStart = new Map<number, number>();
  {
    const { rows } = await db.admin.query('select pid from pg_stat_activity where datname = $1', [db.name]);
    for (const { pid } of rows) pgCpuStart.set(pid, procCpuMs(pid));
  }

  const t0 = Date.now();
  // Registry: SAMPLE sites through the HTTP API (the path plant:site:register
  // takes), the rest seeded into the registry table as config seeds are, then
  // one scheduled full mutation of the registry provider.
  const sample = Math.min(SAMPLE, SITES);
  const name = (i: number) => `site-${String(i).padStart(4, '0')}`;
  let next = 0;
  let failed = 0;
  const postMs: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < sample) {
        const i = next++;
        const started = Date.now();
        const res = await fetch(`${api}/plant/site-registry/sites`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(registration(name(i), LINES)),
        });
        postMs.push(Date.now() - started);
        if (res.status !== 201) {
          failed++;
          if (failed < 5) console.error(`site ${i}: ${res.status} ${await res.text()}`);
        }
      }
    }),
  );
  const store = new SiteRegistryStore(knex);
  const seeds = [];
  for (let i = sample; i < SITES; i++) seeds.push(await toRegisteredSite(registration(name(i), LINES), 'bench'));
  await store.seed(seeds);
  await scheduler.triggerTask('plant-site-registry:refresh');
  const registeredMs = Date.now() - t0;
  console.error(`registered ${sample - failed} sites by POST, seeded ${seeds.length}, registry full mutation done at ${fmt.s(registeredMs)}`);

  const t1 = Date.now();
  await scheduler.triggerTask('plant-kubernetes-discovery:refresh');
  const discoveredMs = Date.now() - t1;
  console.error(`discovery run in ${fmt.s(discoveredMs)}`);

  const want = { site: SITES, productionline: SITES * LINES, component: SERVICES };
  let done: Record<string, number> = {};
  for (;;) {
    done = {
      site: await count('site'),
      productionline: await count('productionline'),
      component: await count('component'),
    };
    if (Object.entries(want).every(([k, v]) => done[k] >= v)) break;
    if (Date.now() - t0 > TIMEOUT_S * 1000) break;
    console.error(`${fmt.s(Date.now() - t0)}: ${JSON.stringify(done)}`);
    await samplePgCpu();
    await sleep(2000);
  }
  const processedMs = Date.now() - t0;
  // Searchable: the last entities answer the catalog's full-text query.
  const last = `svc-${String(SERVICES - 1).padStart(5, '0')}`;
  const search = await fetch(`${api}/entities/by-query?fullTextFilterTerm=${last}&fullTextFilterFields=metadata.name&limit=5`);
  const searchHits = ((await search.json()) as { items: unknown[] }).items.length;
  // Entities not processed yet have '' here, processed ones '[]'.
  const withErrors = () => knex('refresh_state').whereNotNull('errors').whereNotIn('errors', ['', '[]']);
  const errors = await withErrors().count<{ count: string }[]>('* as count');
  const errorSamples = await withErrors().select('entity_ref', 'errors').limit(3);
  await samplePgCpu();
  const nodeCpuMs = (() => {
    const u = process.cpuUsage(cpu0);
    return (u.user + u.system) / 1000;
  })();
  const pgCpuMs = [...pgCpu].reduce((sum, [pid, ms]) => sum + ms - (pgCpuStart.get(pid) ?? 0), 0);
  clearInterval(sampler);

  const total = want.site + want.productionline + want.component;
  const got = done.site + done.productionline + done.component;
  console.log(
    table(
      ['measure', 'value'],
      [
        ['entities in the catalog / expected', `${fmt.int(got)} / ${fmt.int(total)}`],
        ['sites registered by POST (failed); their p50 / max latency', `${sample - failed} (${failed}); ${fmt.int(percentile(postMs.sort((x, y) => x - y), 50))} / ${fmt.int(Math.max(...postMs))} ms`],
        ['sites seeded into the registry table', fmt.int(SITES - sample)],
        ['registry done (POSTs + seed + full mutation)', fmt.s(registeredMs)],
        ['discovery run (list + full mutation)', fmt.s(discoveredMs)],
        ['time until all processed and queryable', fmt.s(processedMs)],
        ['entities/s', fmt.f1(got / (processedMs / 1000))],
        [`full-text query "${last}" hits`, searchHits],
        ['entities with processing errors', errors[0]?.count ?? '?'],
        ['CPU: catalog process / its PostgreSQL backends', `${fmt.s(nodeCpuMs)} / ${fmt.s(pgCpuMs)}`],
        ['CPU per 1,000 entities (catalog + PostgreSQL)', fmt.s(((nodeCpuMs + pgCpuMs) / Math.max(got, 1)) * 1000)],
        ['peak RSS of the catalog process (doubles in a child)', fmt.mb(peakRss)],
        ['peak heap used', fmt.mb(peakHeap)],
        ['target', processedMs < 120_000 ? 'met (< 120 s)' : 'missed (>= 120 s)'],
      ],
    ),
  );
  for (const e of errorSamples) {
    const first = (JSON.parse(e.errors) as Array<{ name?: string; message?: string }>)[0];
    console.log(`\nprocessing error of ${e.entity_ref}: ${first?.name}: ${first?.message?.slice(0, 300)}`);
  }
  console.log(`\nload average at end: ${require('node:os').loadavg().map((l: number) => l.toFixed(1)).join(' ')}`);

  await backend.stop();
  child.kill();
  await knex.destroy();
  await db.drop();
}

/** The child: CLUSTERS Kubernetes doubles holding SERVICES opted-in Deployments between them. */
async function doublesChild() {
  const doubles = await Promise.all(
    Array.from({ length: CLUSTERS }, () => startKubernetesDouble({ podReadyDelayMs: 10 })),
  );
  const perCluster = Math.ceil(SERVICES / CLUSTERS);
  let seeded = 0;
  doubles.forEach((d, c) => {
    const n = Math.min(perCluster, SERVICES - seeded);
    const objects = Array.from({ length: n }, (_, i) => {
      const name = `svc-${String(seeded + i).padStart(5, '0')}`;
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name,
          // ns-1 and ns-10..19: names that are prefixes of others, which the double pages correctly now.
          namespace: `ns-${(seeded + i) % 20}`,
          labels: { app: name, 'plantops.io/catalog': 'true', 'app.kubernetes.io/version': '1.0.0' },
        },
        // No replicas: the doubles' controllers then make no pods, only ReplicaSets.
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `ms5/${name}:1.0.0` }] } },
        },
      };
    });
    d.seed(...objects);
    seeded += n;
    console.error(`cluster-${c}: ${n} Deployments`);
  });
  // Let the controllers make every ReplicaSet first: a busy double answers lists late.
  const settle = Date.now();
  await Promise.all(
    doubles.map(d => {
      const last = d.list('apps/v1', 'Deployment').at(-1);
      return d.waitFor('apps/v1', 'Deployment', last.metadata.namespace, last.metadata.name, x => x.status?.observedGeneration === 1, 600_000);
    }),
  );
  console.error(`doubles settled in ${fmt.s(Date.now() - settle)}`);
  process.send!({ type: 'plantops-doubles', doubles: doubles.map(d => ({ url: d.url, token: d.token })) });
  process.on('SIGTERM', () => process.exit(0));
}

if (a.bool('child')) {
  doublesChild().catch(e => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    e => {
      console.error(e);
      // createBenchDatabase's Ctrl-C handler drops the database; do the same on failure.
      process.kill(process.pid, 'SIGTERM');
    },
  );
}
