import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Silence or acknowledge an alert in Alertmanager from the portal. Checked by
 * the plant backend before it POSTs a silence.
 */
export const plantAlertSilencePermission = createPermission({
  name: 'plant.alert.silence',
  attributes: { action: 'update' },
});
