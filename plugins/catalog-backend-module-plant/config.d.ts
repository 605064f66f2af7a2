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
  };
}
