import { ANNOTATION_LOCATION, type Entity } from '@backstage/catalog-model';
import type { CatalogProcessor } from '@backstage/plugin-catalog-node';
import { KUBERNETES_ID_ANNOTATION } from '@plantops/backstage-plugin-plant-node';
import type { CachedIndex } from '../CachedIndex';
import type { RunRequests } from './RunRequests';
import { KUBERNETES_DISCOVERY_PROVIDER } from './workloadEntities';
import type { DiscoveredCluster } from './WorkloadStore';
import type { WorkloadIndex } from './WorkloadIndex';

/**
 * Asks for a discovery run when the catalog has moved past the last one,
 * so that run's result does not depend on when it happened: a
 * kubernetes-cluster Resource it did not see in the catalog, or a Component
 * declared elsewhere that claims workloads it emitted as a Component of
 * their own (the next run enriches that Component instead).
 */
export class DiscoveryCatchUpProcessor implements CatalogProcessor {
  constructor(
    private readonly clusters: CachedIndex<DiscoveredCluster>,
    private readonly workloads: WorkloadIndex,
    private readonly runs: RunRequests,
  ) {}

  getProcessorName(): string {
    return 'PlantKubernetesDiscoveryCatchUpProcessor';
  }

  async postProcessEntity(entity: Entity): Promise<Entity> {
    const name = entity.metadata.name;
    if (entity.kind === 'Resource' && entity.spec?.type === 'kubernetes-cluster') {
      if (!(await this.clusters.get(name))?.inCatalog) {
        this.runs.request(`cluster Resource ${name} is new to discovery`);
      }
      return entity;
    }
    const annotations = entity.metadata.annotations ?? {};
    const id = annotations[KUBERNETES_ID_ANNOTATION];
    if (
      entity.kind === 'Component' &&
      id &&
      !annotations[ANNOTATION_LOCATION]?.startsWith(`${KUBERNETES_DISCOVERY_PROVIDER}:`) &&
      (await this.workloads.get(id))?.some(w => w.emitted)
    ) {
      this.runs.request(`component ${name} claims kubernetes-id ${id}`);
    }
    return entity;
  }
}
