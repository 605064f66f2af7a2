import { byComponent } from './workloadEntities';
import type { DiscoveredWorkload, WorkloadStore } from './WorkloadStore';

/**
 * The discovered workloads by Component, for the enrichment processor. Read
 * from the database at most every `ttlMs`, so every replica's processor sees
 * what any replica's discovery run stored.
 */
export class WorkloadIndex {
  private loaded?: Promise<Map<string, DiscoveredWorkload[]>>;
  private loadedAt = 0;

  constructor(
    private readonly store: WorkloadStore,
    private readonly ttlMs = 30_000,
  ) {}

  async get(component: string): Promise<DiscoveredWorkload[] | undefined> {
    if (!this.loaded || Date.now() - this.loadedAt > this.ttlMs) {
      this.loadedAt = Date.now();
      this.loaded = this.store.all().then(byComponent);
      this.loaded.catch(() => {
        this.loaded = undefined;
      });
    }
    return (await this.loaded).get(component);
  }

  invalidate() {
    this.loaded = undefined;
  }
}
