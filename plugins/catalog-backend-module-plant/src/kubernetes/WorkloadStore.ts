import type { Knex } from 'knex';

/** One opted-in workload as discovery found it. */
export interface DiscoveredWorkload {
  cluster: string;
  namespace: string;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  name: string;
  /** The Component it belongs to: its backstage.io/kubernetes-id label, else its name. */
  component: string;
  image: string;
  version?: string;
  details: {
    owner?: string;
    system?: string;
    site?: string;
    lifecycle?: string;
    description?: string;
  };
  /** The last run emitted a Component of its own for it: no other entity claimed it then. */
  emitted?: boolean;
}

/** A cluster of the last discovery run. */
export interface DiscoveredCluster {
  cluster: string;
  /** Its kubernetes-cluster Resource was in the catalog during the run. */
  inCatalog: boolean;
  error?: string;
}

const TABLE = 'plant_kubernetes_workloads';
const CLUSTERS = 'plant_kubernetes_discovery_clusters';

/** The discovered workloads in the catalog's database (migrated with the site registry). */
export class WorkloadStore {
  constructor(private readonly db: Knex) {}

  /** Replaces what is known about `cluster` with `workloads`, in one transaction. */
  async replaceCluster(cluster: string, workloads: DiscoveredWorkload[]) {
    await this.db.transaction(async tx => {
      await tx(TABLE).where({ cluster }).delete();
      // Chunks keep each statement under PostgreSQL's bind parameter limit.
      for (let i = 0; i < workloads.length; i += 500) {
        await tx(TABLE).insert(
          workloads.slice(i, i + 500).map(w => ({
            cluster: w.cluster,
            namespace: w.namespace,
            kind: w.kind,
            name: w.name,
            component: w.component,
            image: w.image,
            version: w.version ?? null,
            details: JSON.stringify(w.details),
          })),
        );
      }
    });
  }

  /** Forgets clusters that are no longer configured or in the catalog. */
  async keepOnly(clusters: string[]) {
    await this.db(TABLE).whereNotIn('cluster', clusters).delete();
  }

  /** Marks the workloads whose Component the run emitted itself: all but those of the `enriched` Components. */
  async markEmitted(enriched: string[]) {
    await this.db.transaction(async tx => {
      await tx(TABLE).update({ emitted: true });
      for (let i = 0; i < enriched.length; i += 500) {
        await tx(TABLE).whereIn('component', enriched.slice(i, i + 500)).update({ emitted: false });
      }
    });
  }

  /** Replaces the record of the clusters the last run covered. */
  async recordClusters(clusters: DiscoveredCluster[]) {
    await this.db.transaction(async tx => {
      await tx(CLUSTERS).delete();
      if (clusters.length) {
        await tx(CLUSTERS).insert(
          clusters.map(c => ({ cluster: c.cluster, in_catalog: c.inCatalog, error: c.error ?? null })),
        );
      }
    });
  }

  async clusters(): Promise<Map<string, DiscoveredCluster>> {
    const rows = await this.db(CLUSTERS).select();
    return new Map(
      rows.map(r => [r.cluster, { cluster: r.cluster, inCatalog: Boolean(r.in_catalog), error: r.error ?? undefined }]),
    );
  }

  async all(): Promise<DiscoveredWorkload[]> {
    const rows = await this.db(TABLE).orderBy(['component', 'cluster', 'namespace', 'kind', 'name']);
    return rows.map(r => ({
      cluster: r.cluster,
      namespace: r.namespace,
      kind: r.kind,
      name: r.name,
      component: r.component,
      image: r.image,
      version: r.version ?? undefined,
      details: JSON.parse(r.details),
      emitted: Boolean(r.emitted),
    }));
  }
}
