import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createPlantOpsActions } from './actions';

/**
 * The plant-ops actions for the scaffolder: deployments, backups, secret
 * rotations, failovers, maintenance and approvals.
 *
 * @public
 */
export const scaffolderModulePlantOps = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'plant-ops',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolder, ...deps }) {
        scaffolder.addActions(...createPlantOpsActions(deps));
      },
    });
  },
});
