/** Health of one entity, worst first when sorted by HEALTH_STATUS_ORDER. */
export type HealthStatus = 'down' | 'degraded' | 'unknown' | 'ok';

/** Worst first: `unknown` ranks above `ok`, so it can never pass as healthy. */
export const HEALTH_STATUS_ORDER: readonly HealthStatus[] = [
  'down',
  'degraded',
  'unknown',
  'ok',
];

/** Why an entity has its status: one line per probe (or per part, when derived). */
export interface HealthReason {
  /** The probe (`http`, `prometheus`, `postgres`, `kafka`, `opcua`, `kubernetes`) or `part`. */
  probe: string;
  status: HealthStatus;
  message: string;
  /** For derived statuses: the part this reason comes from. */
  entityRef?: string;
  /** Probe measurements worth showing (latency ms, lag, connections ...). */
  details?: Record<string, number | string | boolean | null>;
}

/** The current health of an entity. */
export interface EntityHealth {
  entityRef: string;
  status: HealthStatus;
  reasons: HealthReason[];
  /** When the status last changed (ISO 8601). */
  since: string;
  /** When it was last checked (ISO 8601). */
  checkedAt: string;
  /** True for Systems and Sites, whose status comes from their parts. */
  derived: boolean;
}

/** One status change in an entity's history. */
export interface HealthChange {
  entityRef: string;
  status: HealthStatus;
  reasons: HealthReason[];
  at: string;
}

/** Signals channel for health changes: message `{ entityRefs: string[] }`. */
export const PLANT_HEALTH_CHANNEL = 'plant:health';
/** Signals channel for alert changes: message `{ at: string }`. */
export const PLANT_ALERTS_CHANNEL = 'plant:alerts';

export type AlertSeverity = 'critical' | 'warning' | 'info' | 'none';
export const ALERT_SEVERITY_ORDER: readonly AlertSeverity[] = [
  'critical',
  'warning',
  'info',
  'none',
];

/** `active` fires; `suppressed` is silenced or inhibited in Alertmanager. */
export type AlertState = 'active' | 'suppressed';

/** An alert from Alertmanager or an Andon call from the telemetry pipeline. */
export interface PlantAlert {
  /** Alertmanager fingerprint, or `andon:<site>/<line>/<machine>`. */
  id: string;
  source: 'alertmanager' | 'andon';
  name: string;
  severity: AlertSeverity;
  state: AlertState;
  startsAt: string;
  summary: string;
  labels: Record<string, string>;
  /** Entities the alert belongs to (may be empty: shown as unmapped). */
  entityRefs: string[];
  /** The runbook: the entity's `plantops.io/runbook` or the alert's runbook_url; null until one exists. */
  runbookUrl: string | null;
  /** Silences that hold the alert. */
  silencedBy: string[];
}

/** Whether a source of health or alerts could be read; `unknown` with the reason when not. */
export interface SourceStatus {
  source: string;
  status: 'ok' | 'unknown';
  message: string;
}
