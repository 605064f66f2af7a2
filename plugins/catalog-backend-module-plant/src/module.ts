import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { PlantEntitiesProcessor } from './PlantEntitiesProcessor';
import { SiteRegistryProvider } from './siteRegistry/SiteRegistryProvider';
import { SiteRegistryStore } from './siteRegistry/SiteRegistryStore';
import { createSiteRegistryRouter } from './siteRegistry/router';
import { readSeeds } from './siteRegistry/seeds';

/**
 * Adds the Plantops kinds Site and ProductionLine to the catalog, and the
 * site registry that keeps sites and lines current. The catalog's `rules`
 * must also allow the kinds (`allow: [Site, ProductionLine]`).
 */
export const catalogModulePlantEntities = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'plant-entities',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        auditor: coreServices.auditor,
      },
      async init(deps) {
        const { catalog, config, logger, database, scheduler } = deps;
        catalog.addProcessor(new PlantEntitiesProcessor());

        const registryConfig = config.getOptionalConfig('plant.siteRegistry');
        const store = await SiteRegistryStore.create(database);
        const seeded = await store.seed(await readSeeds(registryConfig, logger));
        if (seeded.length) {
          logger.info(`Site registry: seeded ${seeded.join(', ')}`);
        }
        const schedule = registryConfig?.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              registryConfig.getConfig('schedule'),
            )
          : { frequency: { minutes: 5 }, timeout: { minutes: 2 } };
        const provider = new SiteRegistryProvider(
          store,
          logger,
          scheduler.createScheduledTaskRunner(schedule),
        );
        catalog.addEntityProvider(provider);
        deps.httpRouter.use(
          createSiteRegistryRouter({ ...deps, store, provider }),
        );
      },
    });
  },
});
