import { Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  SiteEntityV1alpha1,
  isKnownTimeZone,
  isSiteEntity,
} from '@plantops/backstage-plugin-plant-common';
import useAsync from 'react-use/esm/useAsync';
import { SiteClock } from '../../lib/windows';
import { PlantScope } from '../../lib/scope';

export function clockOf(site: SiteEntityV1alpha1): SiteClock {
  const { timezone, shiftCalendar } = site.spec ?? {};
  if (!timezone || !isKnownTimeZone(timezone)) {
    return { problem: `site ${site.metadata.name} has no known time zone` };
  }
  return { timezone, shifts: shiftCalendar?.shifts ?? [] };
}

/** The shift calendar of the entity's site (the entity itself for a Site). */
export function useSiteClock(
  entity: Entity,
  scope: PlantScope,
): { loading: boolean; clock?: SiteClock } {
  const catalogApi = useApi(catalogApiRef);
  const own = isSiteEntity(entity);
  const { loading, value } = useAsync(async (): Promise<SiteClock> => {
    if (own) return clockOf(entity);
    try {
      const site = await catalogApi.getEntityByRef(scope.siteRef);
      if (!site || !isSiteEntity(site)) {
        return { problem: `site ${scope.siteRef} is not in the catalog` };
      }
      return clockOf(site);
    } catch (e) {
      return {
        problem: `site ${scope.siteRef} could not be read: ${
          (e as Error).message
        }`,
      };
    }
  }, [catalogApi, own, scope.siteRef]);
  return { loading, clock: value };
}
