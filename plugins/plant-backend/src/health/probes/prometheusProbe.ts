import type { Entity } from '@backstage/catalog-model';
import { ANNOTATION_PLANTOPS_PROMETHEUS_JOB } from '@plantops/backstage-plugin-plant-common';
import type { PrometheusClient } from '@plantops/backstage-plugin-plant-node';
import type { Probe, ProbeResult } from './types';
import { notMonitored } from './types';

/** The guide's HighErrorRate rule: rate(http_requests_total{status=~"5.."}[5m]) > 0.1 */
export const ERROR_RATE_THRESHOLD = 0.1;

const quote = (v: string) => JSON.stringify(v);

/**
 * `up` of the entity's Prometheus job (every target down is down, some down
 * degraded, no series unknown) and the guide's error-rate expression for that
 * job (over 0.1 req/s of 5xx is degraded). Prometheus unreachable: unknown.
 */
export class PrometheusProbe implements Probe {
  readonly name = 'prometheus';
  /** Without a client (no plant.health.prometheus.baseUrl) the job is not monitored here. */
  constructor(private readonly client?: PrometheusClient) {}

  appliesTo(entity: Entity) {
    return Boolean(entity.metadata.annotations?.[ANNOTATION_PLANTOPS_PROMETHEUS_JOB]);
  }

  async run(entity: Entity): Promise<ProbeResult> {
    const job = entity.metadata.annotations![ANNOTATION_PLANTOPS_PROMETHEUS_JOB];
    if (!this.client) return notMonitored(`${ANNOTATION_PLANTOPS_PROMETHEUS_JOB} ${job}, but no plant.health.prometheus.baseUrl`);
    let up;
    let errors;
    try {
      [up, errors] = await Promise.all([
        this.client.query(`up{job=${quote(job)}}`),
        this.client.query(`rate(http_requests_total{job=${quote(job)},status=~"5.."}[5m])`),
      ]);
    } catch (e: any) {
      return { status: 'unknown', message: e.message };
    }
    if (up.length === 0) {
      return { status: 'unknown', message: `Prometheus has no \`up\` series for job ${job}: is it scraped?` };
    }
    const down = up.filter(s => s.value !== 1).map(s => s.metric.instance ?? '?');
    const errorRate = errors.reduce((sum, s) => sum + (Number.isFinite(s.value) ? s.value : 0), 0);
    const details = { job, targets: up.length, targetsDown: down.length, errorRate: Number(errorRate.toFixed(4)) };
    if (down.length === up.length) {
      return { status: 'down', message: `every target of job ${job} is down (up == 0): ${down.join(', ')}`, details };
    }
    if (down.length > 0) {
      return { status: 'degraded', message: `${down.length} of ${up.length} targets of job ${job} down: ${down.join(', ')}`, details };
    }
    const hot = errors.filter(s => s.value > ERROR_RATE_THRESHOLD);
    if (hot.length > 0) {
      return {
        status: 'degraded',
        message: `5xx rate of job ${job} over ${ERROR_RATE_THRESHOLD}/s (HighErrorRate): ${hot
          .map(s => `${s.metric.instance ?? '?'} ${s.value.toFixed(2)}/s`)
          .join(', ')}`,
        details,
      };
    }
    return { status: 'ok', message: `${up.length} target(s) of job ${job} up, 5xx rate ${errorRate.toFixed(2)}/s`, details };
  }
}
