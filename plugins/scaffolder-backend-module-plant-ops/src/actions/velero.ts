import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { KubernetesClusterResolver } from '@plantops/backstage-plugin-plant-node';
import type { PlantOpsDeps } from '../deps';
import { createVeleroBackupAction } from './velero/backup';

/** The Velero actions: cluster backup. */
export function createVeleroActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [createVeleroBackupAction({ auditor: deps.auditor, kube: new KubernetesClusterResolver(deps.config, { catalog: deps.catalog }) })];
}
