import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  plant?: {
    /**
     * The site registry: a table in the catalog's database whose sites (with
     * their production lines) the catalog module puts in the catalog.
     */
    siteRegistry?: {
      /** How often the whole registry is re-applied to the catalog. Default every 5 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Sites to seed the registry with. A seed is added once; later changes
       * go through the registry's API (the plant:site:register action), and a
       * decommissioned site is not brought back by its seed.
       */
      sites?: Array<{
        /** The Site entity: metadata (name, title, ...) and spec, as in catalog YAML. */
        site: { metadata: { name: string; [key: string]: unknown }; spec: object };
        /** Its ProductionLine entities; their spec.site is set to the site. */
        lines?: Array<{
          metadata: { name: string; [key: string]: unknown };
          spec: object;
        }>;
      }>;
    };
    /**
     * Kubernetes discovery: opted-in Deployments, StatefulSets and DaemonSets
     * of every cluster (plant.kubernetes.clusters and the catalog's
     * kubernetes-cluster Resources) become or enrich Components. Off unless
     * this block is present.
     */
    kubernetesDiscovery?: {
      /** Default plantops.io/catalog=true. */
      labelSelector?: string;
      /** Items per list request (limit/continue). Default 500. */
      pageSize?: number;
      /** Clusters listed at the same time. Default 4. */
      concurrency?: number;
      /** Owner of discovered Components without a plantops.io/owner label. Default group:default/platform-team. */
      defaultOwner?: string;
      /** Default production. */
      defaultLifecycle?: string;
      /** Default every 10 minutes, first run after 1 minute (so catalog files are in first). */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /**
     * ArgoCD status on Components: the apps of every plant.argocd.instances
     * entry are polled and their sync/health written on the Components they
     * belong to (argocd/app-name). On when instances are configured.
     */
    argocdStatus?: {
      /** Default every 2 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
