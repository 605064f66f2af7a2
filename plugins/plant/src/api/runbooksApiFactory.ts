import {
  createApiFactory,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { runbooksApiRef } from './RunbooksApi';
import { RunbooksApiClient } from './RunbooksApiClient';

export const runbooksApiFactory = createApiFactory({
  api: runbooksApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new RunbooksApiClient({ discoveryApi, fetchApi }),
});
