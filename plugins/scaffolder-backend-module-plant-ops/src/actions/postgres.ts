import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { KubernetesClusterResolver } from '@plantops/backstage-plugin-plant-node';
import type { PlantOpsDeps } from '../deps';
import { KubernetesSecretDelivery } from './postgres/secretDelivery';
import { createPostgresBackupAction } from './postgres/backup';
import { createPostgresRestoreAction } from './postgres/restore';
import { createPostgresRotatePasswordAction } from './postgres/rotatePassword';
import { createPostgresFailoverAction } from './postgres/failover';
import { createPostgresFailbackAction } from './postgres/failback';

/** The PostgreSQL actions: backup, restore, password rotation, failover, failback. */
export function createPostgresActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  const kube = new KubernetesClusterResolver(deps.config, { catalog: deps.catalog });
  return [
    createPostgresBackupAction(deps),
    createPostgresRestoreAction(deps),
    createPostgresRotatePasswordAction({
      ...deps,
      delivery: (secret, credentials) => KubernetesSecretDelivery.create(kube, secret, credentials),
    }),
    createPostgresFailoverAction({ ...deps, kube }),
    createPostgresFailbackAction({ ...deps, kube }),
  ];
}
