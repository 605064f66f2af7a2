// Runs the plant backend alone (`yarn start` in this folder) with the embedded
// store and demo plant: curl http://localhost:7007/api/plant/machines
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('../src'));
backend.start();
