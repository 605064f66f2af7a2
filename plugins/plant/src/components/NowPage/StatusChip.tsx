import Chip from '@material-ui/core/Chip';
import type { AlertSeverity, HealthStatus } from '@plantops/backstage-plugin-plant-common';

const STATUS_COLOURS: Record<HealthStatus, string> = {
  ok: '#2e7d32',
  degraded: '#ef6c00',
  down: '#c62828',
  // Grey, never green: unknown must not read as healthy.
  unknown: '#616161',
};

const SEVERITY_COLOURS: Record<AlertSeverity, string> = {
  critical: '#c62828',
  warning: '#ef6c00',
  info: '#1565c0',
  none: '#616161',
};

/** A health status as a coloured chip that always says its name. */
export const StatusChip = ({ status }: { status: HealthStatus }) => (
  <Chip
    size="small"
    label={status}
    style={{ backgroundColor: STATUS_COLOURS[status], color: '#fff' }}
    aria-label={`status ${status}`}
  />
);

export const SeverityChip = ({ severity }: { severity: AlertSeverity }) => (
  <Chip
    size="small"
    label={severity}
    style={{ backgroundColor: SEVERITY_COLOURS[severity], color: '#fff' }}
    aria-label={`severity ${severity}`}
  />
);

/** "5 min ago" style age. */
export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}
