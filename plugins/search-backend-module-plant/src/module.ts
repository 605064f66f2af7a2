import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { RunbookCollatorFactory } from './RunbookCollatorFactory';

/** Search module: indexes the runbooks every 10 minutes (type `plant-runbook`). */
export const searchModulePlantRunbooks = createBackendModule({
  pluginId: 'search',
  moduleId: 'plant-runbooks',
  register(env) {
    env.registerInit({
      deps: {
        indexRegistry: searchIndexRegistryExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
      },
      async init({ indexRegistry, discovery, auth, scheduler }) {
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner({
            frequency: { minutes: 10 },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 30 },
          }),
          factory: new RunbookCollatorFactory({ discovery, auth }),
        });
      },
    });
  },
});
