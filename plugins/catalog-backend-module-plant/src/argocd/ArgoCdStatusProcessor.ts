import type { Entity } from '@backstage/catalog-model';
import {
  type CatalogProcessor,
  type CatalogProcessorEmit,
  type LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { ANNOTATION_ARGOCD_APP_NAME, ANNOTATION_ARGOCD_INSTANCE_NAME } from '@plantops/backstage-plugin-plant-common';
import { KUBERNETES_ID_ANNOTATION } from '@plantops/backstage-plugin-plant-node';
import type { CachedIndex } from '../CachedIndex';
import type { ArgoAppStatus } from './ArgoAppStore';
import { argoRefreshKey } from './ArgoCdStatusProvider';

export const ANNOTATION_ARGOCD_SYNC = 'plantops.io/argocd-sync';
export const ANNOTATION_ARGOCD_HEALTH = 'plantops.io/argocd-health';
export const ANNOTATION_ARGOCD_REVISION = 'plantops.io/argocd-revision';
export const ANNOTATION_ARGOCD_INSTANCE = 'plantops.io/argocd-instance';

/**
 * Links Components to their ArgoCD application and writes its sync and health
 * on them. The app is the one `argocd/app-name` names; without that
 * annotation, an app named like the Component's kubernetes-id (or its name)
 * is linked by adding the annotation. `argocd/instance-name` picks the
 * instance when several have the app.
 */
export class ArgoCdStatusProcessor implements CatalogProcessor {
  constructor(private readonly index: CachedIndex<ArgoAppStatus[]>) {}

  getProcessorName(): string {
    return 'PlantArgoCdStatusProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (entity.kind !== 'Component') return entity;
    const annotations = entity.metadata.annotations ?? {};
    const named = annotations[ANNOTATION_ARGOCD_APP_NAME];
    const candidates = named
      ? [named]
      : [...new Set([annotations[KUBERNETES_ID_ANNOTATION], entity.metadata.name].filter(Boolean))];
    for (const name of candidates) emit(processingResult.refresh(argoRefreshKey(name)));

    for (const name of candidates) {
      const apps = await this.index.get(name);
      const wanted = annotations[ANNOTATION_ARGOCD_INSTANCE_NAME];
      const app = wanted ? apps?.find(a => a.instance === wanted) : apps?.[0];
      if (!app) continue;
      return {
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...annotations,
            [ANNOTATION_ARGOCD_APP_NAME]: app.name,
            [ANNOTATION_ARGOCD_INSTANCE]: app.instance,
            [ANNOTATION_ARGOCD_SYNC]: app.sync,
            [ANNOTATION_ARGOCD_HEALTH]: app.health,
            ...(app.revision ? { [ANNOTATION_ARGOCD_REVISION]: app.revision } : {}),
          },
        },
      };
    }
    return entity;
  }
}
