import { ANNOTATION_LOCATION, type Entity } from '@backstage/catalog-model';
import {
  type CatalogProcessor,
  type CatalogProcessorEmit,
  type LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { KUBERNETES_ID_ANNOTATION } from '@plantops/backstage-plugin-plant-node';
import { enrichRefreshKey } from './KubernetesDiscoveryProvider';
import {
  KUBERNETES_DISCOVERY_PROVIDER,
  workloadAnnotations,
} from './workloadEntities';
import type { WorkloadIndex } from './WorkloadIndex';

/**
 * Enriches a Component declared elsewhere (YAML, another provider) with what
 * Kubernetes discovery found for its backstage.io/kubernetes-id: clusters,
 * namespace, image and version. Its own annotations win where both set one.
 */
export class KubernetesEnrichmentProcessor implements CatalogProcessor {
  constructor(private readonly index: WorkloadIndex) {}

  getProcessorName(): string {
    return 'PlantKubernetesEnrichmentProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    const annotations = entity.metadata.annotations ?? {};
    const id = annotations[KUBERNETES_ID_ANNOTATION];
    if (
      entity.kind !== 'Component' ||
      !id ||
      annotations[ANNOTATION_LOCATION]?.startsWith(`${KUBERNETES_DISCOVERY_PROVIDER}:`)
    ) {
      return entity;
    }
    // So a discovery run can have this entity reprocessed when its workloads change.
    emit(processingResult.refresh(enrichRefreshKey(id)));
    const workloads = await this.index.get(id);
    if (!workloads) return entity;
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: { ...workloadAnnotations(id, workloads), ...annotations },
      },
    };
  }
}
