import { CachedIndex } from '../CachedIndex';
import { byComponent } from './workloadEntities';
import type { DiscoveredWorkload, WorkloadStore } from './WorkloadStore';

/** The discovered workloads by Component, for the enrichment processor. */
export class WorkloadIndex extends CachedIndex<DiscoveredWorkload[]> {
  constructor(store: WorkloadStore, ttlMs?: number) {
    super(async () => byComponent(await store.all()), ttlMs);
  }
}
