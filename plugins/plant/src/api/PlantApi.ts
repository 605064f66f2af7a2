import { createApiRef } from '@backstage/core-plugin-api';
import type {
  AndonResponse,
  MachinesResponse,
  OeeQuery,
  OeeResponse,
  OeeTrendQuery,
  OeeTrendResponse,
  PlantFilter,
} from './types';

/** Reads machine state, OEE and Andon calls from the plant backend. */
export interface PlantApi {
  getMachines(filter?: PlantFilter): Promise<MachinesResponse>;
  getOee(query: OeeQuery): Promise<OeeResponse>;
  getOeeTrend(query: OeeTrendQuery): Promise<OeeTrendResponse>;
  getAndon(filter?: PlantFilter & { active?: boolean }): Promise<AndonResponse>;
}

export const plantApiRef = createApiRef<PlantApi>({
  id: 'plugin.plant.service',
});
