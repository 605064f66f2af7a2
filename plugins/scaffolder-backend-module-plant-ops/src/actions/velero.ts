import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';

/** The velero actions. */
export function createVeleroActions(_deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [];
}
