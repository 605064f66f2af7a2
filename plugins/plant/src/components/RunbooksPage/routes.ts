import { createRouteRef } from '@backstage/frontend-plugin-api';
import { createRouteRef as createLegacyRouteRef } from '@backstage/core-plugin-api';

/** /runbooks, its runbooks and incidents. */
export const runbooksRouteRef = createRouteRef();

/** The same page on the old frontend system. */
export const legacyRunbooksRouteRef = createLegacyRouteRef({ id: 'plant-runbooks' });
