export { plantApiRef } from './PlantApi';
export type { PlantApi } from './PlantApi';
export { PlantApiClient, PlantApiError } from './PlantApiClient';
export * from './types';
export { runbooksApiRef } from './RunbooksApi';
export type {
  RunbooksApi,
  RunbookList,
  StartIncidentRequest,
  IncidentEventRequest,
} from './RunbooksApi';
export { RunbooksApiClient } from './RunbooksApiClient';
