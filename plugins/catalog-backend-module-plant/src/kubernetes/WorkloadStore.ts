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
}

const TABLE = 'plant_kubernetes_workloads';

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
    }));
  }
}
