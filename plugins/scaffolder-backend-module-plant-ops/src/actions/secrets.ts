import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';

/** The secrets actions. */
export function createSecretsActions(_deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [];
}
