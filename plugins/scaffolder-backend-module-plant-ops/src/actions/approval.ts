import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';
import { createApprovalRequestAction } from './approval/request';

/** The approval actions: `plant:approval:request` (four eyes before production steps). */
export function createApprovalActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [createApprovalRequestAction(deps)];
}
