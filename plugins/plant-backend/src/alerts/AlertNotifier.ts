import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  HealthStatus,
  PLANT_ALERTS_CHANNEL,
  PLANT_HEALTH_CHANNEL,
  PlantAlert,
} from '@plantops/backstage-plugin-plant-common';
import type { HealthStore } from '../health/HealthStore';

const NOTIFY_SEVERITY = { critical: 'critical', warning: 'high', info: 'normal', none: 'low' } as const;

/**
 * Tells people about changes: the owners of an entity (Backstage
 * notifications resolve an entity to its owners) when an alert on it starts
 * or its status goes down; browsers through signals on every change.
 */
export class AlertNotifier {
  private lastIds = '';

  constructor(
    private readonly deps: {
      store: HealthStore;
      logger: LoggerService;
      notifications?: NotificationService;
      signals?: SignalsService;
      /** Where people land: the Now page. */
      link?: string;
    },
  ) {}

  /** After each alert poll: notify alerts never seen before; signal when the set changed. */
  async alertsPolled(alerts: PlantAlert[], at = new Date()) {
    const active = alerts.filter(a => a.state === 'active');
    const fresh = new Set(await this.deps.store.firstSeen(active.map(a => a.id), at));
    // An alert gone for an hour notifies again when it comes back.
    await this.deps.store.pruneSeen(new Date(at.getTime() - 3_600_000));
    for (const a of active) {
      if (!fresh.has(a.id) || a.entityRefs.length === 0) continue;
      await this.send(a.entityRefs, {
        title: `${a.severity === 'none' ? '' : `[${a.severity}] `}${a.name} firing`,
        description: `${a.summary}${a.runbookUrl ? ` Runbook: ${a.runbookUrl}` : ''}`,
        severity: NOTIFY_SEVERITY[a.severity],
        scope: `plant-alert:${a.id}`,
      });
    }
    const ids = alerts.map(a => `${a.id}:${a.state}`).sort().join(',');
    if (ids !== this.lastIds) {
      this.lastIds = ids;
      await this.publish(PLANT_ALERTS_CHANNEL, { at: at.toISOString() });
    }
  }

  /** After a health sweep changed statuses. */
  async healthChanged(changed: { entityRef: string; status: HealthStatus; previous: HealthStatus | null; reasons: { message: string; status: HealthStatus }[] }[]) {
    for (const c of changed) {
      if (c.status !== 'down' || c.previous === 'down') continue;
      const why = c.reasons.filter(r => r.status === 'down').map(r => r.message).join('; ');
      await this.send([c.entityRef], {
        title: `${c.entityRef} is down`,
        description: why || 'see its Health card',
        severity: 'critical',
        scope: `plant-health:${c.entityRef}`,
      });
    }
    await this.publish(PLANT_HEALTH_CHANNEL, { entityRefs: changed.map(c => c.entityRef) });
  }

  private async send(entityRefs: string[], p: { title: string; description: string; severity: 'critical' | 'high' | 'normal' | 'low'; scope: string }) {
    if (!this.deps.notifications) return;
    try {
      await this.deps.notifications.send({
        recipients: { type: 'entity', entityRef: entityRefs },
        payload: { ...p, topic: 'plant-alerts', link: this.deps.link ?? '/plant/now' },
      });
    } catch (e: any) {
      this.deps.logger.warn(`Notifying the owners of ${entityRefs.join(', ')} failed: ${e.message}`);
    }
  }

  private async publish(channel: string, message: Record<string, any>) {
    try {
      await this.deps.signals?.publish({ recipients: { type: 'broadcast' }, channel, message });
    } catch (e: any) {
      this.deps.logger.warn(`Publishing on ${channel} failed: ${e.message}`);
    }
  }
}
