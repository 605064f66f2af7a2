import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';

/** The approval actions. */
export function createApprovalActions(_deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [];
}
