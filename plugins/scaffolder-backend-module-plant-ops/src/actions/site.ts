import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';

/** The site actions. */
export function createSiteActions(_deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [];
}
