import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { plantApiFactory } from './apiFactory';
import { legacyRootRouteRef } from './routes';

/** The plugin for apps still on the old frontend system. */
export const plantLegacyPlugin = createPlugin({
  id: 'plant',
  apis: [plantApiFactory],
  routes: { root: legacyRootRouteRef },
});

/** OEE card for Site and ProductionLine entity pages (old frontend system). */
export const EntityPlantOeeCard = plantLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityPlantOeeCard',
    component: {
      lazy: () => import('./components/OeeCard').then(m => m.OeeCard),
    },
  }),
);

/** The plant overview page (old frontend system). */
export const PlantOverviewPage = plantLegacyPlugin.provide(
  createRoutableExtension({
    name: 'PlantOverviewPage',
    component: () =>
      import('./components/PlantOverview').then(m => m.PlantOverviewPage),
    mountPoint: legacyRootRouteRef,
  }),
);
