import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_PLANTOPS_PROMETHEUS_JOB,
  ANNOTATION_PLANTOPS_RUNBOOK,
  ANNOTATION_PROMETHEUS_ALERT,
  normalizeSeverity,
  PlantAlert,
} from '@plantops/backstage-plugin-plant-common';
import type { AmAlert } from '@plantops/backstage-plugin-plant-node';

/** Alert labels that name the workload an alert is about. */
const IDENTITY_LABELS = ['job', 'service', 'app', 'app_kubernetes_io_name', 'kubernetes_id', 'deployment', 'statefulset'];

interface Candidate {
  ref: string;
  entity: Entity;
  alerts: Set<string> | 'all';
  ids: Set<string>;
  namespace?: string;
}

/**
 * Maps Alertmanager alerts to catalog entities. An entity takes an alert when
 * its `prometheus.io/alert` lists the alert's name (or says `all`) and the
 * alert's job/service/app label is the entity's name, kubernetes-id or
 * `plantops.io/prometheus-job`; an alert with none of those labels goes to
 * such entities in its `namespace`. The runbook is the entity's
 * `plantops.io/runbook`, else the alert's runbook_url annotation.
 */
export class AlertMapper {
  private readonly candidates: Candidate[];

  constructor(entities: Entity[]) {
    this.candidates = entities.flatMap(entity => {
      const a = entity.metadata.annotations ?? {};
      const names = a[ANNOTATION_PROMETHEUS_ALERT];
      if (!names) return [];
      const list = names.split(',').map(s => s.trim()).filter(Boolean);
      const ids = new Set(
        [entity.metadata.name, a['backstage.io/kubernetes-id'], a[ANNOTATION_PLANTOPS_PROMETHEUS_JOB]].filter(
          (x): x is string => Boolean(x),
        ),
      );
      return [{
        ref: stringifyEntityRef(entity),
        entity,
        alerts: list.includes('all') ? 'all' : new Set(list),
        ids,
        namespace: a['backstage.io/kubernetes-namespace'],
      }];
    });
  }

  entitiesFor(labels: Record<string, string>): Candidate[] {
    const name = labels.alertname;
    const named = this.candidates.filter(c => c.alerts === 'all' || c.alerts.has(name));
    const ids = IDENTITY_LABELS.map(l => labels[l]).filter(Boolean);
    if (ids.length > 0) return named.filter(c => ids.some(id => c.ids.has(id)));
    if (labels.namespace) return named.filter(c => c.namespace === labels.namespace);
    return [];
  }

  map(alert: AmAlert): PlantAlert {
    const matched = this.entitiesFor(alert.labels);
    const runbook =
      matched.map(c => c.entity.metadata.annotations?.[ANNOTATION_PLANTOPS_RUNBOOK]).find(Boolean) ??
      alert.annotations.runbook_url ??
      null;
    return {
      id: alert.fingerprint,
      source: 'alertmanager',
      name: alert.labels.alertname ?? '(unnamed)',
      severity: normalizeSeverity(alert.labels.severity),
      state: alert.status.state === 'suppressed' ? 'suppressed' : 'active',
      startsAt: alert.startsAt,
      summary: alert.annotations.summary ?? alert.annotations.description ?? alert.labels.alertname ?? '',
      labels: alert.labels,
      entityRefs: matched.map(c => c.ref),
      runbookUrl: runbook,
      silencedBy: alert.status.silencedBy ?? [],
    };
  }
}
