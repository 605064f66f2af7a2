import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Silence or acknowledge an alert in Alertmanager from the portal. Checked by
 * the plant backend before it POSTs a silence.
 */
export const plantAlertSilencePermission = createPermission({
  name: 'plant.alert.silence',
  attributes: { action: 'update' },
});

/** See pending and past four-eyes approval requests (the plan, the dry-run output, who asked). */
export const plantApprovalReadPermission = createPermission({
  name: 'plant.approval.read',
  attributes: { action: 'read' },
});

/**
 * Approve or deny someone else's approval request. The plant backend also
 * refuses the requester, whatever the policy says (four eyes).
 */
export const plantApprovalDecidePermission = createPermission({
  name: 'plant.approval.decide',
  attributes: { action: 'update' },
});

/** The permission tags that templates put on steps and parameters (`backstage:permissions`). */
export const PLANT_TEMPLATE_TAGS = {
  /** Runs only against production: approval steps and production-only inputs. */
  production: 'production',
  /** Database operations (backup, restore, failover). */
  database: 'database',
  /** Secret and certificate rotations. */
  rotation: 'rotation',
} as const;

/** See incidents and their timelines (every role may). */
export const plantIncidentReadPermission = createPermission({
  name: 'plant.incident.read',
  attributes: { action: 'read' },
});

/** Start an incident from an alert or a runbook. */
export const plantIncidentCreatePermission = createPermission({
  name: 'plant.incident.create',
  attributes: { action: 'create' },
});

/** Record on an incident's timeline (steps, template tasks, acknowledgements, notes) and close it. */
export const plantIncidentUpdatePermission = createPermission({
  name: 'plant.incident.update',
  attributes: { action: 'update' },
});

/** The incident permissions, for the plugin's permission registry. */
export const plantIncidentPermissions = [
  plantIncidentReadPermission,
  plantIncidentCreatePermission,
  plantIncidentUpdatePermission,
];
