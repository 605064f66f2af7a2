import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogApi } from '@backstage/plugin-catalog-react';
import {
  RunbookContext,
  RunbookTemplateRef,
  resolveParameters,
} from '@plantops/backstage-plugin-plant-common';

const NAMESPACE = 'backstage.io/kubernetes-namespace';

/** What a runbook's `${{ ... }}` expressions are filled from, for an entity. */
export async function contextFor(
  entity: Entity,
  catalogApi: Pick<CatalogApi, 'getEntitiesByRefs'>,
  alert?: RunbookContext['alert'],
): Promise<RunbookContext> {
  const ref = stringifyEntityRef(entity);
  const deps = (entity.relations ?? [])
    .filter(r => r.type === 'dependsOn' && r.targetRef.startsWith('resource:'))
    .map(r => r.targetRef);
  let cluster: string | undefined;
  if (entity.kind === 'Resource' && entity.spec?.type === 'kubernetes-cluster') {
    cluster = ref;
  } else if (deps.length) {
    const { items } = await catalogApi.getEntitiesByRefs({ entityRefs: deps });
    const c = items.find(e => e?.spec?.type === 'kubernetes-cluster');
    if (c) cluster = stringifyEntityRef(c);
  }
  const lifecycle = typeof entity.spec?.lifecycle === 'string' ? entity.spec.lifecycle : undefined;
  // The templates' environment choices; another lifecycle leaves the field to the person.
  const environment = lifecycle && ['production', 'staging', 'development'].includes(lifecycle) ? lifecycle : undefined;
  return {
    entity: { ...(entity as unknown as Record<string, unknown>), ref },
    context: {
      namespace: entity.metadata.annotations?.[NAMESPACE],
      cluster,
      environment,
    },
    alert,
  };
}

/** A step's template parameters resolved for the entity: the form's prefilled values. */
export function templateValues(t: RunbookTemplateRef, ctx: RunbookContext): Record<string, unknown> {
  return resolveParameters(t.parameters, ctx);
}

/** The scaffolder URL of a step's template, prefilled with its resolved parameters. */
export function templateHref(t: RunbookTemplateRef, ctx: RunbookContext): string {
  const formData = templateValues(t, ctx);
  return `/create/templates/default/${encodeURIComponent(t.template)}?formData=${encodeURIComponent(JSON.stringify(formData))}`;
}
