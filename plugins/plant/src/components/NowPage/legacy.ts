import {
  createComponentExtension,
  createRoutableExtension,
  createRouteRef,
} from '@backstage/core-plugin-api';
import { plantLegacyPlugin } from '../../legacy';

/** The Now page, old frontend system. */
export const legacyNowRouteRef = createRouteRef({ id: 'plant:now' });

/*
 * Old-system apps also register `healthApiFactory` (exported from the
 * package) in their apis: the legacy plugin only brings the plant API.
 */

/** Health card for entity pages (old frontend system). */
export const EntityPlantHealthCard = plantLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityPlantHealthCard',
    component: { lazy: () => import('../HealthCard').then(m => m.HealthCard) },
  }),
);

/** Alerts card for entity pages (old frontend system). */
export const EntityPlantAlertsCard = plantLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityPlantAlertsCard',
    component: { lazy: () => import('../AlertsCard').then(m => m.AlertsCard) },
  }),
);

/** The Now page (old frontend system). */
export const PlantNowPage = plantLegacyPlugin.provide(
  createRoutableExtension({
    name: 'PlantNowPage',
    component: () => import('./NowPage').then(m => m.NowPage),
    mountPoint: legacyNowRouteRef,
  }),
);
