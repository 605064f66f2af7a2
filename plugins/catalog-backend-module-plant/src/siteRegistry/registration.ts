import { InputError } from '@backstage/errors';
import {
  PLANTOPS_API_VERSION,
  type ProductionLineEntityV1alpha1,
  type SiteEntityV1alpha1,
} from '@plantops/backstage-plugin-plant-common';
import { PlantEntitiesProcessor } from '../PlantEntitiesProcessor';
import type { RegisteredSite } from './SiteRegistryStore';

const processor = new PlantEntitiesProcessor();
const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * What a client sends to register a site: the Site entity and its
 * ProductionLines. apiVersion and kind may be left out; each line's
 * spec.site is set to the site.
 */
export interface SiteRegistration {
  site: { metadata: SiteEntityV1alpha1['metadata']; spec: unknown };
  lines?: Array<{
    metadata: ProductionLineEntityV1alpha1['metadata'];
    spec: unknown;
  }>;
}

/**
 * Checks a registration with the same processor the catalog runs, so a site
 * the registry accepts is one the catalog accepts. `where` prefixes each
 * field in the error (e.g. `plant.siteRegistry.sites[2]`).
 */
export async function toRegisteredSite(
  input: unknown,
  where: string,
): Promise<RegisteredSite> {
  const body = input as Partial<SiteRegistration> | undefined;
  const site = body?.site as any;
  if (!site || typeof site !== 'object') {
    throw new InputError(
      `${where}.site is missing; send the Site entity as { metadata: { name }, spec }`,
    );
  }
  const name = site.metadata?.name;
  if (typeof name !== 'string' || !NAME.test(name) || name.length > 63) {
    throw new InputError(
      `${where}.site.metadata.name must be a lower-case dashed name of at most 63 characters, such as ms5-plant-c; got ${JSON.stringify(
        name,
      )}`,
    );
  }
  if (site.metadata.namespace && site.metadata.namespace !== 'default') {
    throw new InputError(
      `${where}.site.metadata.namespace must be default (or left out); the registry keeps sites in the default namespace`,
    );
  }
  if (body?.lines !== undefined && !Array.isArray(body.lines)) {
    throw new InputError(
      `${where}.lines must be a list of ProductionLine entities as { metadata: { name }, spec }`,
    );
  }
  const siteEntity = {
    ...site,
    apiVersion: PLANTOPS_API_VERSION,
    kind: 'Site',
  } as SiteEntityV1alpha1;
  const lines = (body?.lines ?? []).map(
    (line: any) =>
      ({
        ...line,
        apiVersion: PLANTOPS_API_VERSION,
        kind: 'ProductionLine',
        spec: { ...(line?.spec ?? {}), site: `site:default/${name}` },
      } as ProductionLineEntityV1alpha1),
  );

  await check(siteEntity, `${where}.site`);
  const seen = new Set<string>();
  for (const [i, line] of lines.entries()) {
    const lineName = line.metadata?.name;
    if (typeof lineName !== 'string' || !NAME.test(lineName)) {
      throw new InputError(
        `${where}.lines[${i}].metadata.name must be a lower-case dashed name, such as ${name}-filling; got ${JSON.stringify(
          lineName,
        )}`,
      );
    }
    if (seen.has(lineName)) {
      throw new InputError(
        `${where}.lines[${i}].metadata.name "${lineName}" is used by another line of the site; give each line its own name`,
      );
    }
    seen.add(lineName);
    await check(line, `${where}.lines[${i}]`);
  }
  return { site: siteEntity, lines };
}

async function check(entity: SiteEntityV1alpha1 | ProductionLineEntityV1alpha1, where: string) {
  try {
    await processor.validateEntityKind(entity);
  } catch (error) {
    // "Site default/x: spec.timezone must be ..." names the field already.
    throw new InputError(`${where}: ${(error as Error).message}`);
  }
}
