import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { fieldError } from './errors';

/**
 * Looks up the catalog Resource an input names (`resource:default/x` or `x`)
 * and checks its spec.type, so a template cannot aim a database action at a
 * broker. Returns the entity's name, which keys the action's config.
 */
export async function resolveResource(opts: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  field: string;
  ref: string;
  types: string[];
}): Promise<{ name: string; ref: string }> {
  const { catalog, credentials, field, ref, types } = opts;
  let parsed;
  try {
    parsed = parseEntityRef(ref, { defaultKind: 'resource', defaultNamespace: 'default' });
  } catch {
    throw fieldError(field, `"${ref}" is not an entity reference`, 'Give a catalog Resource such as resource:default/ms5-postgres-primary');
  }
  if (parsed.kind.toLowerCase() !== 'resource') {
    throw fieldError(field, `"${ref}" is a ${parsed.kind}, not a Resource`, 'Pick a catalog Resource');
  }
  const entityRef = stringifyEntityRef(parsed);
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) {
    throw fieldError(field, `${entityRef} is not in the catalog`, 'Pick an existing Resource with the entity picker');
  }
  const type = String((entity.spec as { type?: unknown } | undefined)?.type ?? '');
  if (!types.includes(type)) {
    throw fieldError(field, `${entityRef} is of type "${type}"`, `Pick a Resource of type ${types.join(' or ')}`);
  }
  return { name: entity.metadata.name, ref: entityRef };
}
