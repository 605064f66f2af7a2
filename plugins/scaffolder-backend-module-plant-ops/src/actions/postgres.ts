import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';
import { createPostgresBackupAction } from './postgres/backup';
import { createPostgresRestoreAction } from './postgres/restore';
import { createPostgresRotatePasswordAction } from './postgres/rotatePassword';
import { createPostgresFailoverAction } from './postgres/failover';
import { createPostgresFailbackAction } from './postgres/failback';

/** The PostgreSQL actions: backup, restore, password rotation, failover, failback. */
export function createPostgresActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [
    createPostgresBackupAction(deps),
    createPostgresRestoreAction(deps),
    createPostgresRotatePasswordAction(deps),
    createPostgresFailoverAction(deps),
    createPostgresFailbackAction(deps),
  ];
}
