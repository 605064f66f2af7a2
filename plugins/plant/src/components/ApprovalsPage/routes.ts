import { createRouteRef } from '@backstage/frontend-plugin-api';
import { createRouteRef as createLegacyRouteRef } from '@backstage/core-plugin-api';

/** The Approvals page, new frontend system. */
export const approvalsRouteRef = createRouteRef();

/** The Approvals page, old frontend system. */
export const legacyApprovalsRouteRef = createLegacyRouteRef({ id: 'plant-approvals' });
