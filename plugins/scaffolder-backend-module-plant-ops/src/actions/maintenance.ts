import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';

/** The maintenance and emergency actions: drain, maintenance mode, emergency scale-down. */
export function createMaintenanceActions(_deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [];
}
