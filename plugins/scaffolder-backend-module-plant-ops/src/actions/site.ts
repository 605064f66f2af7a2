import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';
import { createSiteRegisterAction } from './site/register';

/** The site actions: `plant:site:register` (onboard an edge site). */
export function createSiteActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [createSiteRegisterAction(deps)];
}
