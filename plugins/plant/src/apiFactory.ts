import {
  createApiFactory,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { PlantApiClient, plantApiRef } from './api';

export const plantApiFactory = createApiFactory({
  api: plantApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new PlantApiClient({ discoveryApi, fetchApi }),
});
