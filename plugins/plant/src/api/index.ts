export { plantApiRef } from './PlantApi';
export type { PlantApi } from './PlantApi';
export { PlantApiClient, PlantApiError } from './PlantApiClient';
export * from './types';
