import type { AuditorService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/** Who ran what on which target: the fields every plant-ops audit event carries. */
export interface AuditTarget extends JsonObject {
  action: string;
  target: string;
  dryRun: boolean;
}

/**
 * Runs `run` inside one auditor event: the actor comes from the task's
 * initiator, the outcome is recorded as success or failure. `meta` must never
 * hold a secret (audit records are read by more people than the secret's owner).
 */
export async function audited<T extends JsonObject | void>(
  auditor: AuditorService,
  event: AuditTarget & { actor?: string; taskId?: string },
  run: () => Promise<T>,
): Promise<T> {
  const { action, ...rest } = event;
  const audit = await auditor.createEvent({
    eventId: action.replace(/[^a-z0-9]+/gi, '-').toLowerCase(),
    severityLevel: event.dryRun ? 'low' : 'high',
    meta: { action, ...rest },
  });
  try {
    const result = await run();
    await audit.success({ meta: result ? { outcome: result } : undefined });
    return result;
  } catch (error) {
    await audit.fail({ error: error as Error });
    throw error;
  }
}
