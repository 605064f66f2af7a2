import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';
import { createArgocdRollbackAction } from './argocd/rollback';
import { createArgocdSyncAction } from './argocd/sync';

/** The argocd actions: sync and rollback. */
export function createArgocdActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  const { auditor, catalog, config } = deps;
  return [createArgocdSyncAction({ auditor, catalog, config }), createArgocdRollbackAction({ auditor, catalog, config })];
}
