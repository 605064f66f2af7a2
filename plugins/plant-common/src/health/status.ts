import {
  ALERT_SEVERITY_ORDER,
  AlertSeverity,
  HEALTH_STATUS_ORDER,
  HealthReason,
  HealthStatus,
  PlantAlert,
} from './types';

const rank = (s: HealthStatus) => HEALTH_STATUS_ORDER.indexOf(s);

/** The worst of some statuses; `unknown` when there are none. */
export function worstStatus(statuses: HealthStatus[]): HealthStatus {
  if (statuses.length === 0) return 'unknown';
  return statuses.reduce((a, b) => (rank(b) < rank(a) ? b : a));
}

/** Sort comparator: worst status first. */
export function compareStatus(a: HealthStatus, b: HealthStatus): number {
  return rank(a) - rank(b);
}

/**
 * The status of a whole (System, Site) from its parts' statuses: every part
 * down is down; some part down or degraded is degraded; otherwise any unknown
 * part keeps the whole unknown (never ok); ok only when every part is ok.
 * Returns the reasons naming the parts that are not ok.
 */
export function deriveStatus(
  parts: { entityRef: string; status: HealthStatus }[],
): { status: HealthStatus; reasons: HealthReason[] } {
  if (parts.length === 0) {
    return {
      status: 'unknown',
      reasons: [{ probe: 'part', status: 'unknown', message: 'no parts with a health status' }],
    };
  }
  const notOk = parts.filter(p => p.status !== 'ok');
  const reasons: HealthReason[] = notOk.map(p => ({
    probe: 'part',
    status: p.status,
    entityRef: p.entityRef,
    message: `${p.entityRef} is ${p.status}`,
  }));
  let status: HealthStatus;
  if (parts.every(p => p.status === 'down')) status = 'down';
  else if (notOk.some(p => p.status === 'down' || p.status === 'degraded')) status = 'degraded';
  else if (notOk.length > 0) status = 'unknown';
  else status = 'ok';
  return { status, reasons };
}

/** Known severities; anything else counts as `none`. */
export function normalizeSeverity(value: string | undefined): AlertSeverity {
  const v = (value ?? '').toLowerCase();
  if (v === 'page' || v === 'error') return 'critical';
  return (ALERT_SEVERITY_ORDER as readonly string[]).includes(v) ? (v as AlertSeverity) : 'none';
}

/** Sort comparator for the Now page: most severe first, then oldest first. */
export function compareAlerts(a: PlantAlert, b: PlantAlert): number {
  const s = ALERT_SEVERITY_ORDER.indexOf(a.severity) - ALERT_SEVERITY_ORDER.indexOf(b.severity);
  if (s !== 0) return s;
  return Date.parse(a.startsAt) - Date.parse(b.startsAt);
}
