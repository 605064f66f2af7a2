import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';

/** The kafka actions. */
export function createKafkaActions(_deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [];
}
