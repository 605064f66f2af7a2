import { createRoutableExtension } from '@backstage/core-plugin-api';
import { plantLegacyPlugin } from '../../legacy';
import { legacyApprovalsRouteRef } from './routes';

/** The Approvals page (old frontend system); mount it at /plant/approvals. */
export const PlantApprovalsPage = plantLegacyPlugin.provide(
  createRoutableExtension({
    name: 'PlantApprovalsPage',
    component: () => import('./ApprovalsPage').then(m => m.ApprovalsPage),
    mountPoint: legacyApprovalsRouteRef,
  }),
);
