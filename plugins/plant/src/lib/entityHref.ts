import { useCallback } from 'react';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';

/**
 * A function from an entity ref to its catalog page; a plain
 * /catalog/:namespace/:kind/:name path when the catalog's route is not bound.
 */
export function useEntityHref(): (ref: CompoundEntityRef) => string {
  const entityRoute = useRouteRef(entityRouteRef);
  return useCallback(
    (ref: CompoundEntityRef) => {
      const params = entityRouteParams(ref, { encodeParams: true });
      return (
        entityRoute?.(params) ??
        `/catalog/${params.namespace}/${params.kind}/${params.name}`
      );
    },
    [entityRoute],
  );
}
