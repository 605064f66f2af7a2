import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  type CatalogProcessor,
  type CatalogProcessorEmit,
  type CatalogService,
  type LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { isSiteEntity } from '@plantops/backstage-plugin-plant-common';
import { BatchedEntityLookup } from './BatchedEntityLookup';

/**
 * Checks a Site against the entities it names, which the schema cannot:
 * its edge device must be a Resource of type edge-device, its cluster one of
 * type kubernetes-cluster, and every line it lists must not name another
 * site. Entities that are not in the catalog yet are not an error (they may
 * come later); a mismatch is reported on the Site, which keeps its last good
 * version.
 */
export class PlantCrossEntityProcessor implements CatalogProcessor {
  private readonly lookup: BatchedEntityLookup;

  constructor(
    catalog: CatalogService,
    auth: AuthService,
    private readonly logger: LoggerService,
  ) {
    // Sites processed at the same time share one catalog request.
    this.lookup = new BatchedEntityLookup(async entityRefs => {
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs, fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.type', 'spec.site'] },
        { credentials: await auth.getOwnServiceCredentials() },
      );
      return items;
    });
  }

  getProcessorName(): string {
    return 'PlantCrossEntityProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isSiteEntity(entity)) return entity;
    const spec = entity.spec;
    const namespace = entity.metadata.namespace ?? 'default';
    const self = stringifyEntityRef(entity);
    const ref = (value: string, defaultKind: string) =>
      stringifyEntityRef(parseEntityRef(value, { defaultKind, defaultNamespace: namespace }));

    const checks: Array<{ field: string; ref: string; check: (e: Entity) => string | undefined }> = [];
    const resourceOfType = (field: string, value: string | undefined, type: string) => {
      if (!value) return;
      checks.push({
        field,
        ref: ref(value, 'Resource'),
        check: e =>
          e.kind === 'Resource' && e.spec?.type === type
            ? undefined
            : `${field} ${ref(value, 'Resource')} is a ${e.kind} of type ${String(e.spec?.type)}; point it at a Resource of type ${type}`,
      });
    };
    resourceOfType('spec.edgeDevice', spec.edgeDevice, 'edge-device');
    resourceOfType('spec.cluster', spec.cluster, 'kubernetes-cluster');
    (spec.lines ?? []).forEach((line, i) => {
      const lineRef = ref(line, 'ProductionLine');
      checks.push({
        field: `spec.lines[${i}]`,
        ref: lineRef,
        check: e => {
          const site = e.spec?.site;
          if (typeof site !== 'string') return undefined;
          const named = ref(site, 'Site');
          return named === self
            ? undefined
            : `spec.lines[${i}] ${lineRef} names ${named} in its spec.site; list the line under that site, or change the line's spec.site to ${self}`;
        },
      });
    });
    if (!checks.length) return entity;

    let found: Map<string, Entity>;
    try {
      found = await this.lookup.get(checks.map(c => c.ref));
    } catch (error) {
      // A busy catalog API is no fault of the Site: check again next round.
      this.logger.warn(`Could not check ${self} against the entities it names: ${(error as Error).message}`);
      return entity;
    }
    const problems = checks
      .map(c => {
        const named = found.get(c.ref);
        return named ? c.check(named) : undefined;
      })
      .filter((p): p is string => Boolean(p));
    if (problems.length) {
      emit(
        processingResult.inputError(
          location,
          `Site ${namespace}/${entity.metadata.name}: ${problems.join('; ')}`,
        ),
      );
    }
    return entity;
  }
}
