import { createRouteRef } from '@backstage/frontend-plugin-api';
import { createRouteRef as createLegacyRouteRef } from '@backstage/core-plugin-api';

/** The overview page, new frontend system. */
export const rootRouteRef = createRouteRef();

/** The overview page, old frontend system. */
export const legacyRootRouteRef = createLegacyRouteRef({ id: 'plant' });
