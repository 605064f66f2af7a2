import type { AuthService } from '@backstage/backend-plugin-api';
import { Entity, getCompoundEntityRef, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_PLANTOPS_SITE } from '@plantops/backstage-plugin-plant-common';

export const HEALTH_KINDS = ['Component', 'Resource', 'System', 'Site', 'ProductionLine', 'API'];

/** Catalog entities for probes and alert mapping, read at most once per `ttlMs`. */
export function cachedEntities(catalog: CatalogService, auth: AuthService, ttlMs = 30_000) {
  let cached: { at: number; items: Promise<Entity[]> } | undefined;
  return (): Promise<Entity[]> => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const items = (async () => {
        const { items } = await catalog.getEntities(
          { filter: HEALTH_KINDS.map(kind => ({ kind })) },
          { credentials: await auth.getOwnServiceCredentials() },
        );
        return items;
      })();
      items.catch(() => (cached = undefined));
      cached = { at: Date.now(), items };
    }
    return cached.items;
  };
}

/** What the Now page filters by: an entity's title, owner, system and site. */
export interface EntitySummary {
  title: string;
  kind: string;
  owner: string | null;
  system: string | null;
  site: string | null;
}

const ref = (target: unknown, defaultKind: string) =>
  typeof target === 'string' && target
    ? stringifyEntityRef(parseEntityRef(target, { defaultKind, defaultNamespace: 'default' }))
    : null;

export function summarize(entity: Entity): EntitySummary {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const rel = (type: string) => entity.relations?.find(r => r.type === type)?.targetRef ?? null;
  const kind = entity.kind.toLowerCase();
  return {
    title: entity.metadata.title ?? entity.metadata.name,
    kind: entity.kind,
    owner: rel('ownedBy') ?? ref(spec.owner, 'Group'),
    system: kind === 'system' ? stringifyEntityRef(getCompoundEntityRef(entity)) : ref(spec.system, 'System') ?? rel('partOf'),
    site:
      kind === 'site'
        ? stringifyEntityRef(getCompoundEntityRef(entity))
        : ref(entity.metadata.annotations?.[ANNOTATION_PLANTOPS_SITE], 'Site') ?? (kind === 'productionline' ? ref(spec.site, 'Site') : null),
  };
}
