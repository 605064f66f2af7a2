import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  type Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { RegisteredSite, SiteRegistryStore } from './SiteRegistryStore';

export const SITE_REGISTRY_PROVIDER = 'plant-site-registry';

/** The location key (and managed-by location) of a registered site and its lines. */
export const siteLocationKey = (siteName: string) =>
  `${SITE_REGISTRY_PROVIDER}:${siteName}`;

/** The catalog entities of one registry entry: the Site, then its lines. */
export function registryEntities(entry: RegisteredSite): DeferredEntity[] {
  const locationKey = siteLocationKey(entry.site.metadata.name);
  const stamp = (entity: Entity): DeferredEntity => ({
    locationKey,
    entity: {
      ...entity,
      metadata: {
        ...entity.metadata,
        namespace: 'default',
        annotations: {
          ...entity.metadata.annotations,
          [ANNOTATION_LOCATION]: locationKey,
          [ANNOTATION_ORIGIN_LOCATION]: locationKey,
        },
      },
    },
  });
  return [stamp(entry.site), ...entry.lines.map(stamp)];
}

/**
 * Puts the sites of the registry table, with their lines, into the catalog:
 * a full mutation on each scheduled run (so decommissioned sites and anything
 * missed drop out), and a delta as soon as a site is registered or
 * decommissioned through this replica.
 */
export class SiteRegistryProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly store: SiteRegistryStore,
    private readonly logger: LoggerService,
    private readonly schedule: SchedulerServiceTaskRunner,
  ) {}

  getProviderName(): string {
    return SITE_REGISTRY_PROVIDER;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.schedule.run({
      id: `${SITE_REGISTRY_PROVIDER}:refresh`,
      fn: async () => {
        await this.refresh();
      },
    });
  }

  /** Full mutation: the catalog's entities of this provider become exactly the registry's. */
  async refresh(): Promise<{ sites: number; entities: number }> {
    const connection = this.requireConnection();
    const rows = await this.store.listActive();
    const entities = rows.flatMap(registryEntities);
    await connection.applyMutation({ type: 'full', entities });
    this.logger.info(
      `Site registry: ${rows.length} sites, ${entities.length} entities in the catalog`,
    );
    return { sites: rows.length, entities: entities.length };
  }

  /** Delta after a site was added or replaced; lines it no longer has are removed. */
  async siteChanged(now: RegisteredSite, before?: RegisteredSite) {
    const added = registryEntities(now);
    const keep = new Set(added.map(d => stringifyEntityRef(d.entity)));
    const removed = (before ? registryEntities(before) : []).filter(
      d => !keep.has(stringifyEntityRef(d.entity)),
    );
    await this.requireConnection().applyMutation({
      type: 'delta',
      added,
      removed,
    });
    return { added, removed };
  }

  /** Delta after a site was decommissioned: it and its lines leave the catalog. */
  async siteRemoved(before: RegisteredSite) {
    const removed = registryEntities(before);
    await this.requireConnection().applyMutation({
      type: 'delta',
      added: [],
      removed,
    });
    return { removed };
  }

  private requireConnection(): EntityProviderConnection {
    if (!this.connection) {
      throw new Error(
        `${SITE_REGISTRY_PROVIDER} is not connected to the catalog yet`,
      );
    }
    return this.connection;
  }
}
