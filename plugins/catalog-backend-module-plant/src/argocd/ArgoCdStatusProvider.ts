import type { LoggerService, SchedulerServiceTaskRunner } from '@backstage/backend-plugin-api';
import type { EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import type { CachedIndex } from '../CachedIndex';
import type { ArgoAppStatus, ArgoAppStore } from './ArgoAppStore';
import { listApplications, type ArgoInstance } from './listApplications';

export const ARGOCD_STATUS_PROVIDER = 'plant-argocd-status';

/** The refresh key of entities linked (or linkable) to the ArgoCD app `name`. */
export const argoRefreshKey = (name: string) => `${ARGOCD_STATUS_PROVIDER}:${name}`;

/**
 * Polls every ArgoCD instance's applications on the scheduler and stores
 * their sync and health; entities whose app changed are reprocessed, and the
 * ArgoCD processor writes the status onto them. It emits no entities itself:
 * the provider connection is how it asks the catalog to reprocess.
 */
export class ArgoCdStatusProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly deps: {
      instances: ArgoInstance[];
      store: ArgoAppStore;
      index: CachedIndex<ArgoAppStatus[]>;
      logger: LoggerService;
      schedule: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return ARGOCD_STATUS_PROVIDER;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.deps.schedule.run({
      id: `${ARGOCD_STATUS_PROVIDER}:refresh`,
      fn: async () => {
        await this.refresh();
      },
    });
  }

  async refresh(): Promise<{ changed: string[]; failed: string[] }> {
    const { instances, store, index, logger } = this.deps;
    const changed: string[] = [];
    const failed: string[] = [];
    for (const instance of instances) {
      try {
        changed.push(...(await store.replaceInstance(instance.name, await listApplications(instance))));
      } catch (error) {
        failed.push(instance.name);
        logger.warn(`ArgoCD status: ${(error as Error).message}; keeping the last known status of its apps`);
      }
    }
    await store.keepOnly(instances.map(i => i.name));
    index.invalidate();
    if (changed.length) {
      await this.connection?.refresh({ keys: changed.map(argoRefreshKey) });
    }
    logger.info(`ArgoCD status: ${instances.length - failed.length}/${instances.length} instances read, ${changed.length} apps changed`);
    return { changed, failed };
  }
}
