import type {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { ANNOTATION_LOCATION } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import {
  type CatalogService,
  type EntityProvider,
  type EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  KUBERNETES_ID_ANNOTATION,
  KubernetesClusterResolver,
} from '@plantops/backstage-plugin-plant-node';
import { discoverCluster, DEFAULT_OPT_IN_SELECTOR } from './discoverCluster';
import {
  byComponent,
  KUBERNETES_DISCOVERY_PROVIDER,
  workloadComponent,
} from './workloadEntities';
import type { CachedIndex } from '../CachedIndex';
import type { WorkloadIndex } from './WorkloadIndex';
import type { DiscoveredCluster, WorkloadStore } from './WorkloadStore';

export interface KubernetesDiscoveryOptions {
  labelSelector: string;
  pageSize: number;
  concurrency: number;
  owner: string;
  lifecycle: string;
}

export function readDiscoveryOptions(config: Config | undefined): KubernetesDiscoveryOptions {
  return {
    labelSelector: config?.getOptionalString('labelSelector') ?? DEFAULT_OPT_IN_SELECTOR,
    pageSize: config?.getOptionalNumber('pageSize') ?? 500,
    concurrency: config?.getOptionalNumber('concurrency') ?? 4,
    owner: config?.getOptionalString('defaultOwner') ?? 'group:default/platform-team',
    lifecycle: config?.getOptionalString('defaultLifecycle') ?? 'production',
  };
}

/** The scheduler task of the discovery runs. */
export const DISCOVERY_TASK_ID = `${KUBERNETES_DISCOVERY_PROVIDER}:refresh`;

/** The refresh key of Components that discovery enriches. */
export const enrichRefreshKey = (kubernetesId: string) =>
  `${KUBERNETES_DISCOVERY_PROVIDER}:enrich:${kubernetesId}`;

export type DiscoveryRun = {
  clusters: Record<string, { workloads: number } | { error: string }>;
  emitted: number;
  enriched: number;
};

/**
 * For each cluster (config's plant.kubernetes.clusters and the catalog's
 * kubernetes-cluster Resources), lists the workloads opted in by label and
 * turns them into Components, or enriches the Component that already carries
 * their backstage.io/kubernetes-id. A cluster that fails keeps its last
 * workloads; the other clusters go on.
 */
export class KubernetesDiscoveryProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly deps: {
      resolver: KubernetesClusterResolver;
      catalog: CatalogService;
      auth: AuthService;
      store: WorkloadStore;
      index: WorkloadIndex;
      /** What the last run covered, read by DiscoveryCatchUpProcessor. */
      clusterIndex?: CachedIndex<DiscoveredCluster>;
      logger: LoggerService;
      schedule: SchedulerServiceTaskRunner;
      options: KubernetesDiscoveryOptions;
    },
  ) {}

  getProviderName(): string {
    return KUBERNETES_DISCOVERY_PROVIDER;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.deps.schedule.run({
      id: DISCOVERY_TASK_ID,
      fn: async () => {
        await this.refresh();
      },
    });
  }

  async refresh(): Promise<DiscoveryRun> {
    const { store, logger, options } = this.deps;
    if (!this.connection) throw new Error(`${KUBERNETES_DISCOVERY_PROVIDER} is not connected`);
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const { clusters, inCatalog } = await this.clusters(credentials);
    const run: DiscoveryRun = { clusters: {}, emitted: 0, enriched: 0 };

    await forEachLimited(clusters, options.concurrency, async cluster => {
      try {
        const { kubeConfig } = await this.deps.resolver.kubeConfig(cluster, { credentials, field: `cluster ${cluster}` });
        const workloads = await discoverCluster(cluster, kubeConfig, options);
        await store.replaceCluster(cluster, workloads);
        run.clusters[cluster] = { workloads: workloads.length };
      } catch (error) {
        const message = describeError(error);
        run.clusters[cluster] = { error: message };
        logger.warn(
          `Kubernetes discovery: cluster ${cluster} failed, keeping its last known workloads: ${message}`,
        );
      }
    });
    await store.keepOnly(clusters);
    await store.recordClusters(
      clusters.map(cluster => {
        const result = run.clusters[cluster];
        return { cluster, inCatalog: inCatalog.has(cluster), error: result && 'error' in result ? result.error : undefined };
      }),
    );

    const groups = byComponent(await store.all());
    const claimed = await this.claimedElsewhere(credentials);
    const entities = [];
    const enrich: string[] = [];
    for (const [component, workloads] of groups) {
      if (claimed.has(component)) enrich.push(component);
      else entities.push({ entity: workloadComponent(component, workloads, options), locationKey: `${KUBERNETES_DISCOVERY_PROVIDER}:${component}` });
    }
    await this.connection.applyMutation({ type: 'full', entities });
    await store.markEmitted(enrich);
    this.deps.index.invalidate();
    this.deps.clusterIndex?.invalidate();
    if (enrich.length) {
      await this.connection.refresh({ keys: enrich.map(enrichRefreshKey) });
    }
    run.emitted = entities.length;
    run.enriched = enrich.length;
    logger.info(
      `Kubernetes discovery: ${clusters.length} clusters, ${entities.length} Components emitted, ${enrich.length} enriched`,
    );
    return run;
  }

  /** Configured clusters plus the catalog's kubernetes-cluster Resources, by name. */
  private async clusters(credentials: Awaited<ReturnType<AuthService['getOwnServiceCredentials']>>) {
    const { items } = await this.deps.catalog.getEntities(
      { filter: { kind: 'resource', 'spec.type': 'kubernetes-cluster' }, fields: ['metadata.name'] },
      { credentials },
    );
    const inCatalog = new Set(items.map(e => e.metadata.name));
    const clusters = [...new Set([...this.deps.resolver.configuredClusters(), ...inCatalog])].sort();
    return { clusters, inCatalog };
  }

  /** kubernetes-ids of Components that some other location owns: those are enriched, not emitted. */
  private async claimedElsewhere(credentials: Awaited<ReturnType<AuthService['getOwnServiceCredentials']>>) {
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: { kind: 'component', [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]: CATALOG_FILTER_EXISTS },
        fields: ['metadata.annotations'],
      },
      { credentials },
    );
    const claimed = new Set<string>();
    for (const e of items) {
      const a = e.metadata.annotations ?? {};
      if (!a[ANNOTATION_LOCATION]?.startsWith(`${KUBERNETES_DISCOVERY_PROVIDER}:`)) {
        claimed.add(a[KUBERNETES_ID_ANNOTATION]);
      }
    }
    return claimed;
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

/** One line: the API status and message of a client-node ApiException, or the network cause. */
function describeError(error: unknown): string {
  const e = error as { code?: number; body?: unknown; message?: string; cause?: { code?: string; message?: string } };
  if (typeof e.code === 'number' && e.body !== undefined) {
    let body: any = e.body;
    try {
      body = typeof body === 'string' ? JSON.parse(body) : body;
    } catch {
      // not JSON: keep the text
    }
    const text = typeof body === 'object' && body ? body.message ?? body.reason : body;
    return `the API answered ${e.code}${typeof text === 'string' && text ? `: ${text}` : ''}`;
  }
  const cause = e.cause ? ` (${e.cause.code ?? e.cause.message})` : '';
  return `${e.message ?? String(error)}${cause}`;
}
