import { createRoutableExtension } from '@backstage/core-plugin-api';
import { plantLegacyPlugin } from './legacy';
import { legacySitesRouteRef } from './sitesRoutes';

/** The Sites page (old frontend system). */
export const SitesPage = plantLegacyPlugin.provide(
  createRoutableExtension({
    name: 'SitesPage',
    component: () => import('./components/SitesPage').then(m => m.SitesPage),
    mountPoint: legacySitesRouteRef,
  }),
);
