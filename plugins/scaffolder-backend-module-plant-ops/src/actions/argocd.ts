import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';

/** The argocd actions. */
export function createArgocdActions(_deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [];
}
