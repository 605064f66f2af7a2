import { createRouteRef } from '@backstage/frontend-plugin-api';
import { createRouteRef as createLegacyRouteRef } from '@backstage/core-plugin-api';

/** The Sites page, new frontend system. */
export const sitesRouteRef = createRouteRef();

/** The Sites page, old frontend system. */
export const legacySitesRouteRef = createLegacyRouteRef({ id: 'plant:sites' });
