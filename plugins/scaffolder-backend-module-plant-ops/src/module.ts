import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createArgocdActions } from './actions/argocd';
import { createKubernetesActions } from './actions/kubernetes';
import { createMaintenanceActions } from './actions/maintenance';
import { createVeleroActions } from './actions/velero';
import { createSecretsActions } from './actions/secrets';
import { createPostgresActions } from './actions/postgres';
import { createKafkaActions } from './actions/kafka';
import { createApprovalActions } from './actions/approval';
import { createSiteActions } from './actions/site';

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
        scaffolder.addActions(
          ...createArgocdActions(deps),
          ...createKubernetesActions(deps),
          ...createMaintenanceActions(deps),
          ...createVeleroActions(deps),
          ...createSecretsActions(deps),
          ...createPostgresActions(deps),
          ...createKafkaActions(deps),
          ...createApprovalActions(deps),
          ...createSiteActions(deps),
        );
      },
    });
  },
});
