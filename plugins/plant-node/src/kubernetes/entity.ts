import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogReader } from './clusters';

export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_NAMESPACE_ANNOTATION = 'backstage.io/kubernetes-namespace';
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION = 'backstage.io/kubernetes-label-selector';

/** Where an entity runs: its cluster, namespace and workload. */
export interface EntityWorkload {
  entityRef: string;
  /** name of the kubernetes-cluster Resource */
  cluster: string;
  namespace: string;
  /** the workload's name: the entity's `backstage.io/kubernetes-id` (the catalog names Deployments after it) */
  name: string;
  /** the pods' selector: `backstage.io/kubernetes-label-selector`, else `backstage.io/kubernetes-id=<id>` */
  labelSelector: string;
}

/**
 * Reads an entity's workload from its annotations, and its cluster from the
 * `kubernetes-cluster` Resource it depends on. When it depends on several
 * (a primary and a DR cluster), `cluster` must say which.
 */
export async function resolveEntityWorkload(
  catalog: CatalogReader,
  entityRef: string,
  opts: { credentials: BackstageCredentials; cluster?: string; field?: string },
): Promise<EntityWorkload> {
  const field = opts.field ?? 'entityRef';
  const ref = stringifyEntityRef(parseEntityRef(entityRef, { defaultKind: 'component', defaultNamespace: 'default' }));
  const entity = await catalog.getEntityByRef(ref, { credentials: opts.credentials });
  if (!entity) throw new InputError(`${field}: ${ref} is not in the catalog. Pick an entity from the catalog`);
  const annotations = entity.metadata.annotations ?? {};
  const id = annotations[KUBERNETES_ID_ANNOTATION];
  if (!id) {
    throw new InputError(`${field}: ${ref} has no ${KUBERNETES_ID_ANNOTATION} annotation. Pick an entity that runs on Kubernetes, or add the annotation`);
  }
  const clusters = await clustersOf(catalog, entity, opts.credentials);
  let cluster = opts.cluster;
  if (!cluster) {
    if (clusters.length !== 1) {
      throw new InputError(
        `cluster: ${ref} ${clusters.length ? `runs on several clusters (${clusters.join(', ')})` : 'depends on no kubernetes-cluster Resource'}. Give the cluster input`,
      );
    }
    cluster = clusters[0];
  }
  return {
    entityRef: ref,
    cluster,
    namespace: annotations[KUBERNETES_NAMESPACE_ANNOTATION] ?? 'default',
    name: id,
    labelSelector: annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION] ?? `${KUBERNETES_ID_ANNOTATION}=${id}`,
  };
}

async function clustersOf(catalog: CatalogReader, entity: Entity, credentials: BackstageCredentials): Promise<string[]> {
  const deps: string[] = ((entity.spec as any)?.dependsOn ?? []).filter((d: unknown) => typeof d === 'string');
  const found: string[] = [];
  for (const dep of deps) {
    const parsed = parseEntityRef(dep, { defaultKind: 'component', defaultNamespace: entity.metadata.namespace ?? 'default' });
    if (parsed.kind.toLowerCase() !== 'resource') continue;
    const resource = await catalog.getEntityByRef(stringifyEntityRef(parsed), { credentials });
    if ((resource?.spec as any)?.type === 'kubernetes-cluster') found.push(parsed.name);
  }
  return found;
}
