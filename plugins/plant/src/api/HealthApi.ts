import { createApiRef } from '@backstage/core-plugin-api';
import type {
  EntityHealth,
  HealthChange,
  PlantAlert,
  SourceStatus,
} from '@plantops/backstage-plugin-plant-common';

/** What the Now page filters by, per entity. */
export interface EntitySummary {
  title: string;
  kind: string;
  owner: string | null;
  system: string | null;
  site: string | null;
}

export interface AlertsResponse {
  alerts: PlantAlert[];
  sources: SourceStatus[];
}

export interface NowResponse extends AlertsResponse {
  /** Every entity not ok, worst and oldest first. */
  health: EntityHealth[];
  entities: Record<string, EntitySummary>;
}

/** Live health and alerts from the plant backend; silences in Alertmanager. */
export interface HealthApi {
  getHealth(entityRefs?: string[]): Promise<{ items: EntityHealth[] }>;
  getHistory(entityRef: string): Promise<{ windowHours: number; changes: HealthChange[] }>;
  getAlerts(entityRef?: string): Promise<AlertsResponse>;
  getNow(): Promise<NowResponse>;
  /** Silences one alert for `minutes`; needs the plant.alert.silence permission. */
  silence(request: { alertId: string; minutes: number; comment: string }): Promise<{ silenceId: string }>;
  expireSilence(silenceId: string): Promise<void>;
}

export const healthApiRef = createApiRef<HealthApi>({
  id: 'plugin.plant.health',
});
