import type { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  AlertSeverity,
  compareAlerts,
  PlantAlert,
  SourceStatus,
} from '@plantops/backstage-plugin-plant-common';
import { AlertmanagerClient, AlertmanagerUnavailableError, AmMatcher } from '@plantops/backstage-plugin-plant-node';
import type { Pool } from 'pg';
import { AlertMapper } from './mapAlerts';

const ANDON_SEVERITY: Record<string, AlertSeverity> = { red: 'critical', yellow: 'warning', blue: 'info', white: 'info' };

export interface AlertList {
  alerts: PlantAlert[];
  sources: SourceStatus[];
}

/** Alertmanager's alerts and the plant's open Andon calls, mapped to entities; silences. */
export class AlertService {
  constructor(
    private readonly deps: {
      alertmanager?: AlertmanagerClient;
      /** The telemetry store, for open Andon calls. */
      pool?: Pool;
      loadEntities: () => Promise<Entity[]>;
      /** Fills in the runbook of an alert that names none (the on-call runbooks). */
      runbookFor?: (alertName: string, entityRefs: string[]) => Promise<string | null>;
    },
  ) {}

  /** Every active or suppressed alert, most severe and oldest first. A source that cannot be read is `unknown` with its reason. */
  async list(): Promise<AlertList> {
    const entities = await this.deps.loadEntities();
    const sources: SourceStatus[] = [];
    const alerts: PlantAlert[] = [];
    if (this.deps.alertmanager) {
      try {
        const mapper = new AlertMapper(entities);
        alerts.push(...(await this.deps.alertmanager.getAlerts()).map(a => mapper.map(a)));
        sources.push({ source: 'alertmanager', status: 'ok', message: 'read' });
      } catch (e: any) {
        sources.push({ source: 'alertmanager', status: 'unknown', message: e.message });
      }
    } else {
      sources.push({
        source: 'alertmanager',
        status: 'unknown',
        message: 'no Alertmanager configured: set plant.alerts.alertmanager.baseUrl in app-config',
      });
    }
    if (this.deps.pool) {
      try {
        alerts.push(...(await this.andon(entities)));
        sources.push({ source: 'andon', status: 'ok', message: 'read' });
      } catch (e: any) {
        sources.push({ source: 'andon', status: 'unknown', message: `Andon calls could not be read: ${e.message}` });
      }
    }
    if (this.deps.runbookFor) {
      for (const alert of alerts) alert.runbookUrl ??= await this.deps.runbookFor(alert.name, alert.entityRefs);
    }
    return { alerts: alerts.sort(compareAlerts), sources };
  }

  private async andon(entities: Entity[]): Promise<PlantAlert[]> {
    const r = await this.deps.pool!.query(
      `SELECT m.site, m.line, m.machine, m.andon_colour, m.andon_reason,
         COALESCE((SELECT max(at) FROM plant_andon_event e WHERE e.site = m.site AND e.line = m.line
                   AND e.machine = m.machine AND e.action = 'raised'), m.last_event_at) AS since
       FROM plant_machine m WHERE m.andon_active`,
    );
    const byName = new Map(entities.map(e => [`${e.kind.toLowerCase()}:${e.metadata.name}`, e]));
    return r.rows.map(m => {
      const line = byName.get(`productionline:${m.line}`);
      const site = byName.get(`site:${m.site}`);
      const runbook = line?.metadata.annotations?.['plantops.io/runbook'] ?? site?.metadata.annotations?.['plantops.io/runbook'] ?? null;
      return {
        id: `andon:${m.site}/${m.line}/${m.machine}`,
        source: 'andon' as const,
        name: 'Andon',
        severity: ANDON_SEVERITY[m.andon_colour] ?? 'warning',
        state: 'active' as const,
        startsAt: (m.since ?? new Date()).toISOString(),
        summary: `Andon ${m.andon_colour ?? ''} on ${m.machine} (${m.line}, ${m.site})${m.andon_reason ? `: ${m.andon_reason}` : ''}`,
        labels: { site: m.site, line: m.line, machine: m.machine, colour: m.andon_colour ?? '' },
        entityRefs: [
          ...(line ? [`productionline:${line.metadata.namespace ?? 'default'}/${m.line}`] : []),
          ...(site ? [`site:${site.metadata.namespace ?? 'default'}/${m.site}`] : []),
        ],
        runbookUrl: runbook,
        silencedBy: [],
      };
    });
  }

  /**
   * Silences one Alertmanager alert (its exact label set) for `minutes`.
   * Resolves to the silence id. Andon calls are answered on the line, not here.
   */
  async silence(input: { alertId: string; minutes: number; comment: string; createdBy: string }): Promise<{ silenceId: string; matchers: AmMatcher[] }> {
    const am = this.deps.alertmanager;
    if (!am) throw new InputError('alerts: no Alertmanager configured; set plant.alerts.alertmanager.baseUrl in app-config');
    if (input.alertId.startsWith('andon:')) {
      throw new InputError('alertId: an Andon call cannot be silenced in Alertmanager; it is cleared on the line');
    }
    const alert = (await unavailable(am.getAlerts())).find(a => a.fingerprint === input.alertId);
    if (!alert) throw new NotFoundError(`alertId: no active alert ${input.alertId} in Alertmanager; it may have resolved, reload the list`);
    const matchers: AmMatcher[] = Object.entries(alert.labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
    const now = Date.now();
    const silenceId = await unavailable(am.createSilence({
      matchers,
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + input.minutes * 60_000).toISOString(),
      createdBy: input.createdBy,
      comment: input.comment,
    }));
    return { silenceId, matchers };
  }

  async expireSilence(id: string): Promise<void> {
    const am = this.deps.alertmanager;
    if (!am) throw new InputError('alerts: no Alertmanager configured; set plant.alerts.alertmanager.baseUrl in app-config');
    await unavailable(am.expireSilence(id));
  }
}

/** Alertmanager down is a 503 with its reason, not a 500. */
async function unavailable<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof AlertmanagerUnavailableError) throw new ServiceUnavailableError(e.message);
    throw e;
  }
}
