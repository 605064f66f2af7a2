import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';
import { createApprovalRequestAction } from './approval/request';
import { createConfirmTargetAction } from './approval/confirmTarget';

/** The approval actions: `plant:approval:request` (four eyes before production steps) and the typed-name guard. */
export function createApprovalActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [createApprovalRequestAction(deps), createConfirmTargetAction()];
}
