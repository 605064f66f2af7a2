import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';

/** The postgres actions. */
export function createPostgresActions(_deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [];
}
