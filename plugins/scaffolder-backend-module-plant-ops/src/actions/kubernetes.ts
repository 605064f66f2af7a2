import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { KubernetesClusterResolver } from '@plantops/backstage-plugin-plant-node';
import type { PlantOpsDeps } from '../deps';
import { createRolloutRestartAction } from './kubernetes/rolloutRestart';
import { createRolloutStatusAction } from './kubernetes/rolloutStatus';
import { createRolloutUndoAction } from './kubernetes/rolloutUndo';
import { createScaleAction } from './kubernetes/scale';
import { createSetImageAction } from './kubernetes/setImage';

/** The kubernetes actions: set-image, rollout status/undo/restart, scale. */
export function createKubernetesActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  const { auditor, catalog, config } = deps;
  const options = { auditor, catalog, kube: new KubernetesClusterResolver(config, { catalog }) };
  return [
    createSetImageAction(options),
    createRolloutStatusAction(options),
    createRolloutUndoAction(options),
    createRolloutRestartAction(options),
    createScaleAction(options),
  ];
}
