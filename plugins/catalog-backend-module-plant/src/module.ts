import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { KubernetesClusterResolver } from '@plantops/backstage-plugin-plant-node';
import { PlantEntitiesProcessor } from './PlantEntitiesProcessor';
import { PlantCrossEntityProcessor } from './PlantCrossEntityProcessor';
import { SiteRegistryProvider } from './siteRegistry/SiteRegistryProvider';
import { SiteRegistryStore } from './siteRegistry/SiteRegistryStore';
import { createSiteRegistryRouter } from './siteRegistry/router';
import { readSeeds } from './siteRegistry/seeds';
import { moduleDatabase } from './database';
import {
  DISCOVERY_TASK_ID,
  KubernetesDiscoveryProvider,
  readDiscoveryOptions,
} from './kubernetes/KubernetesDiscoveryProvider';
import { DiscoveryCatchUpProcessor } from './kubernetes/DiscoveryCatchUpProcessor';
import { RunRequests } from './kubernetes/RunRequests';
import { KubernetesEnrichmentProcessor } from './kubernetes/KubernetesEnrichmentProcessor';
import { WorkloadIndex } from './kubernetes/WorkloadIndex';
import { WorkloadStore } from './kubernetes/WorkloadStore';
import { CachedIndex } from './CachedIndex';
import { ArgoAppStore } from './argocd/ArgoAppStore';
import { ArgoCdStatusProcessor } from './argocd/ArgoCdStatusProcessor';
import { ArgoCdStatusProvider } from './argocd/ArgoCdStatusProvider';
import { readArgoInstances } from './argocd/listApplications';

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
        auth: coreServices.auth,
        catalogApi: catalogServiceRef,
        lifecycle: coreServices.lifecycle,
      },
      async init(deps) {
        const { catalog, config, logger, database, scheduler } = deps;
        catalog.addProcessor(new PlantEntitiesProcessor());
        catalog.addProcessor(
          new PlantCrossEntityProcessor(deps.catalogApi, deps.auth, logger),
        );

        const registryConfig = config.getOptionalConfig('plant.siteRegistry');
        const db = await moduleDatabase(database);
        const store = new SiteRegistryStore(db);
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

        const discovery = config.getOptionalConfig('plant.kubernetesDiscovery');
        if (discovery) {
          const workloads = new WorkloadStore(db);
          const index = new WorkloadIndex(workloads);
          const clusterIndex = new CachedIndex(() => workloads.clusters(), 10_000);
          const runs = new RunRequests({ trigger: () => scheduler.triggerTask(DISCOVERY_TASK_ID), logger });
          deps.lifecycle.addShutdownHook(() => runs.cancel());
          catalog.addProcessor(new KubernetesEnrichmentProcessor(index));
          catalog.addProcessor(new DiscoveryCatchUpProcessor(clusterIndex, index, runs));
          catalog.addEntityProvider(
            new KubernetesDiscoveryProvider({
              resolver: new KubernetesClusterResolver(config, { catalog: deps.catalogApi }),
              catalog: deps.catalogApi,
              auth: deps.auth,
              store: workloads,
              index,
              clusterIndex,
              logger,
              options: readDiscoveryOptions(discovery),
              schedule: scheduler.createScheduledTaskRunner(
                discovery.has('schedule')
                  ? readSchedulerServiceTaskScheduleDefinitionFromConfig(discovery.getConfig('schedule'))
                  : { frequency: { minutes: 10 }, timeout: { minutes: 5 }, initialDelay: { minutes: 1 } },
              ),
            }),
          );
        }

        const argoInstances = readArgoInstances(config);
        if (argoInstances.length) {
          const apps = new ArgoAppStore(db);
          const index = new CachedIndex(() => apps.byName());
          const statusConfig = config.getOptionalConfig('plant.argocdStatus.schedule');
          catalog.addProcessor(new ArgoCdStatusProcessor(index));
          catalog.addEntityProvider(
            new ArgoCdStatusProvider({
              instances: argoInstances,
              store: apps,
              index,
              logger,
              schedule: scheduler.createScheduledTaskRunner(
                statusConfig
                  ? readSchedulerServiceTaskScheduleDefinitionFromConfig(statusConfig)
                  : { frequency: { minutes: 2 }, timeout: { minutes: 1 } },
              ),
            }),
          );
        }
      },
    });
  },
});
