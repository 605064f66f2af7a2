import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { PlantPermissionPolicy } from './policy';
import { readRoleConfig } from './roles';

/**
 * The Plantops permission policy in place of allow-all: roles come from the
 * catalog groups listed in `plant.permissions.roles`.
 *
 * @public
 */
export const permissionModulePlantPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'plant-policy',
  register({ registerInit }) {
    registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig, logger: coreServices.logger },
      async init({ policy, config, logger }) {
        const roles = readRoleConfig(config);
        const empty = Object.entries(roles.roles).filter(([, refs]) => refs.length === 0).map(([r]) => r);
        if (empty.length > 0) {
          logger.warn(`plant.permissions.roles: no group holds ${empty.join(', ')}; nobody has these roles`);
        }
        policy.setPolicy(
          new PlantPermissionPolicy({
            ...roles,
            nonProductionEnvironments: config.getOptionalStringArray('plant.permissions.nonProductionEnvironments'),
          }),
        );
      },
    });
  },
});
