import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';
import { createApprovalActions } from './approval';
import { createArgocdActions } from './argocd';
import { createKafkaActions } from './kafka';
import { createKubernetesActions } from './kubernetes';
import { createMaintenanceActions } from './maintenance';
import { createPostgresActions } from './postgres';
import { createSecretsActions } from './secrets';
import { createSiteActions } from './site';
import { createVeleroActions } from './velero';

/** Every plant:* action, as the module registers them. */
export function createPlantOpsActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [
    ...createArgocdActions(deps),
    ...createKubernetesActions(deps),
    ...createMaintenanceActions(deps),
    ...createVeleroActions(deps),
    ...createSecretsActions(deps),
    ...createPostgresActions(deps),
    ...createKafkaActions(deps),
    ...createApprovalActions(deps),
    ...createSiteActions(deps),
  ];
}
