import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Now page, new frontend system. */
export const nowRouteRef = createRouteRef();
