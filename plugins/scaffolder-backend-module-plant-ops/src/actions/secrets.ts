import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { KubernetesClusterResolver } from '@plantops/backstage-plugin-plant-node';
import type { PlantOpsDeps } from '../deps';
import { createRotateRandomSecretAction } from './secrets/rotateRandom';
import { createRotateTlsAction } from './secrets/rotateTls';

/** The secret rotation actions: random secrets (JWT) and TLS certificates. */
export function createSecretsActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  const options = { auditor: deps.auditor, kube: new KubernetesClusterResolver(deps.config, { catalog: deps.catalog }) };
  return [createRotateRandomSecretAction(options), createRotateTlsAction(options)];
}
