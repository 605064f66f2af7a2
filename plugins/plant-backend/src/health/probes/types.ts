import type { Entity } from '@backstage/catalog-model';
import type { HealthStatus } from '@plantops/backstage-plugin-plant-common';

export interface ProbeResult {
  status: HealthStatus;
  message: string;
  details?: Record<string, number | string | boolean | null>;
}

/**
 * Set in a reason's details when the probe's target is not configured here
 * (no cluster, no Prometheus, a placeholder host): the entity is not
 * monitored by this portal, which is neither ok nor a failure.
 */
export const NOT_MONITORED = 'notMonitored';

/** A result for a target this portal cannot reach by configuration: `unknown`, flagged, with why. */
export function notMonitored(why: string): ProbeResult {
  return { status: 'unknown', message: `not monitored here (${why})`, details: { [NOT_MONITORED]: true } };
}

export const isNotMonitored = (r: { details?: Record<string, unknown> }) => r.details?.[NOT_MONITORED] === true;

/**
 * An entity's health that is not monitored here: unknown, and none of its
 * reasons is a check that ran against a target (each is not monitored here,
 * or ok). Such entities have no say in a whole's status and are no problem
 * to act on.
 */
export function isHealthNotMonitored(h: {
  status: HealthStatus;
  reasons: { status: HealthStatus; details?: Record<string, unknown> }[];
}): boolean {
  return h.status === 'unknown' && h.reasons.length > 0 && h.reasons.every(r => r.status === 'ok' || isNotMonitored(r));
}

/** A health probe: which entities it checks, and how. */
export interface Probe {
  /** Short name shown as the reason's probe: http, prometheus, postgres ... */
  readonly name: string;
  appliesTo(entity: Entity): boolean;
  /** Must give up when `signal` aborts (the sweep's per-probe timeout). */
  run(entity: Entity, signal: AbortSignal): Promise<ProbeResult>;
  /** The status when the probe does not answer in time: down for reachability probes. */
  readonly timeoutStatus?: HealthStatus;
  /** Runs of this probe at once; default the sweep's concurrency. Cheap probes (HTTP) take more. */
  readonly concurrency?: number;
}

/** `http://user:pw@host/x?token=y` -> `http://host/x`: probe messages must not carry credentials. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}
