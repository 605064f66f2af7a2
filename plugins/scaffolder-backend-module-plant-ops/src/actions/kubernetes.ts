import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';

/** The kubernetes actions. */
export function createKubernetesActions(_deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [];
}
