import { createDevApp } from '@backstage/frontend-dev-utils';
import {
  createFrontendModule,
  ApiBlueprint,
} from '@backstage/frontend-plugin-api';
import plugin, { plantApiRef } from '../src';
import { fakePlantApi } from './fakePlantApi';

// Serves /plant with made-up data, no backend needed.
const fakeBackend = createFrontendModule({
  pluginId: 'plant',
  extensions: [
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: plantApiRef,
          deps: {},
          factory: () => fakePlantApi,
        }),
    }),
  ],
});

type Feature = Parameters<typeof createDevApp>[0]['features'][number];

// frontend-dev-utils 0.1.6 is typed against frontend-plugin-api 0.18, the
// plugin against 1.x; the app it builds (frontend-defaults 0.5.8) takes 1.x.
createDevApp({
  features: [plugin, fakeBackend] as unknown as Feature[],
});
