import { Entity, parseEntityRef } from '@backstage/catalog-model';
import {
  ProductionLineEntity,
  isProductionLineEntity,
  isSiteEntity,
} from '@plantops/backstage-plugin-plant-common';

/** What the plant backend calls an entity: its site and, for a line, the line. */
export type PlantScope = {
  site: string;
  line?: string;
  /** The Site entity's ref, to read its shift calendar from. */
  siteRef: string;
};

export function scopeOf(entity: Entity): PlantScope | undefined {
  const namespace = entity.metadata.namespace ?? 'default';
  if (isSiteEntity(entity)) {
    return {
      site: entity.metadata.name,
      siteRef: `site:${namespace}/${entity.metadata.name}`,
    };
  }
  if (isProductionLineEntity(entity)) {
    const site = siteRefOf(entity);
    if (!site) return undefined;
    return {
      site: site.name,
      line: entity.metadata.name,
      siteRef: `site:${site.namespace}/${site.name}`,
    };
  }
  return undefined;
}

/** True for the kinds the OEE card is for. */
export function isPlantEntity(entity: Entity): boolean {
  return isSiteEntity(entity) || isProductionLineEntity(entity);
}

/** The Site a ProductionLine names in spec.site, if it names one properly. */
export function siteRefOf(
  line: ProductionLineEntity,
): { name: string; namespace: string } | undefined {
  if (typeof line.spec?.site !== 'string') return undefined;
  try {
    const ref = parseEntityRef(line.spec.site, {
      defaultKind: 'site',
      defaultNamespace: line.metadata.namespace ?? 'default',
    });
    return { name: ref.name, namespace: ref.namespace };
  } catch {
    return undefined;
  }
}
