import { createApiFactory, discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { approvalsApiRef } from './ApprovalsApi';
import { ApprovalsApiClient } from './ApprovalsApiClient';

export const approvalsApiFactory = createApiFactory({
  api: approvalsApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) => new ApprovalsApiClient({ discoveryApi, fetchApi }),
});
