import { createApiFactory, discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { healthApiRef } from './HealthApi';
import { HealthApiClient } from './HealthApiClient';

export const healthApiFactory = createApiFactory({
  api: healthApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) => new HealthApiClient({ discoveryApi, fetchApi }),
});
