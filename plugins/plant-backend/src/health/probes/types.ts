import type { Entity } from '@backstage/catalog-model';
import type { HealthStatus } from '@plantops/backstage-plugin-plant-common';

export interface ProbeResult {
  status: HealthStatus;
  message: string;
  details?: Record<string, number | string | boolean | null>;
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
