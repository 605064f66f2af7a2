import {
  createComponentExtension,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { plantLegacyPlugin } from '../../legacy';
import { legacyRunbooksRouteRef } from './routes';

/**
 * Runbooks and incidents (old frontend system); mount it at /runbooks, and
 * register `runbooksApiFactory` among the app's APIs.
 */
export const PlantRunbooksPage = plantLegacyPlugin.provide(
  createRoutableExtension({
    name: 'PlantRunbooksPage',
    component: () => import('./RunbooksPage').then(m => m.RunbooksContent),
    mountPoint: legacyRunbooksRouteRef,
  }),
);

/** The Runbooks tab content for entity pages (old frontend system). */
export const EntityPlantRunbooksContent = plantLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityPlantRunbooksContent',
    component: {
      lazy: () => import('../RunbooksTab').then(m => m.EntityRunbooksContent),
    },
  }),
);
