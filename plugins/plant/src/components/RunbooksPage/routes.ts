import { createRouteRef } from '@backstage/frontend-plugin-api';

/** /runbooks, its runbooks and incidents. */
export const runbooksRouteRef = createRouteRef();
