import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { KubernetesClusterResolver } from '@plantops/backstage-plugin-plant-node';
import type { PlantOpsDeps } from '../deps';
import { createDrainNodeAction } from './maintenance/drainNode';
import { createEmergencyScaleDownAction } from './maintenance/emergencyScaleDown';
import { createMaintenanceModeAction } from './maintenance/maintenanceMode';
import { createRestoreScaleAction } from './maintenance/restoreScale';
import { createUncordonNodeAction } from './maintenance/uncordonNode';

/** The maintenance and emergency actions: drain/uncordon, maintenance mode, emergency scale-down and restore. */
export function createMaintenanceActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  const options = { auditor: deps.auditor, kube: new KubernetesClusterResolver(deps.config, { catalog: deps.catalog }) };
  return [
    createDrainNodeAction(options),
    createUncordonNodeAction(options),
    createMaintenanceModeAction(options),
    createEmergencyScaleDownAction(options),
    createRestoreScaleAction(options),
  ];
}
