import type { Entity } from '@backstage/catalog-model';
import { ANNOTATION_PLANTOPS_HEALTH_URL } from '@plantops/backstage-plugin-plant-common';
import type { Probe, ProbeResult } from './types';
import { notMonitored, safeUrl } from './types';

/** Names reserved for documentation and tests (RFC 2606, RFC 6761): never a real target. */
export function isPlaceholderHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return (
    /(^|\.)example\.(com|net|org)$/.test(h) || /\.(example|invalid|test)$/.test(h) || ['example', 'invalid', 'test'].includes(h)
  );
}

export interface HttpProbeOptions {
  /** Slower answers make the entity degraded; default 2000 ms. */
  slowMs?: number;
  /** Requests at once; default 64 (enough for slow and hanging endpoints not to hold up the rest; more only adds event-loop lag to every latency). */
  concurrency?: number;
}

/** GETs the entity's `plantops.io/health-url`: 2xx is ok, slow is degraded, anything else down. */
export class HttpProbe implements Probe {
  readonly name = 'http';
  readonly timeoutStatus = 'down' as const;
  readonly concurrency: number;
  constructor(private readonly options: HttpProbeOptions = {}) {
    this.concurrency = options.concurrency ?? 64;
  }

  appliesTo(entity: Entity) {
    return Boolean(entity.metadata.annotations?.[ANNOTATION_PLANTOPS_HEALTH_URL]);
  }

  async run(entity: Entity, signal: AbortSignal): Promise<ProbeResult> {
    const url = entity.metadata.annotations![ANNOTATION_PLANTOPS_HEALTH_URL];
    const shown = safeUrl(url);
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      return { status: 'unknown', message: `plantops.io/health-url is not a URL: set it to e.g. https://service.plant.local/health` };
    }
    if (isPlaceholderHost(host)) {
      return notMonitored(`plantops.io/health-url ${shown} names the placeholder host ${host}; set the real health URL`);
    }
    const started = performance.now();
    let res: Response;
    try {
      // fetch refuses URLs with credentials: they travel as Basic auth instead.
      const target = new URL(url);
      const headers: Record<string, string> = { accept: 'application/json, */*' };
      if (target.username || target.password) {
        const user = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
        headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
        target.username = '';
        target.password = '';
      }
      res = await fetch(target, { signal, redirect: 'manual', headers });
      await res.arrayBuffer().catch(() => undefined);
    } catch (e: any) {
      const code = e?.cause?.code ?? e?.cause?.message ?? e?.message;
      return { status: 'down', message: `GET ${shown} failed: ${code}`, details: { url: shown } };
    }
    const latencyMs = Math.round(performance.now() - started);
    const details = { url: shown, statusCode: res.status, latencyMs };
    if (res.status < 200 || res.status > 299) {
      return { status: 'down', message: `GET ${shown} answered HTTP ${res.status}`, details };
    }
    const slowMs = this.options.slowMs ?? 2000;
    if (latencyMs > slowMs) {
      return { status: 'degraded', message: `GET ${shown} took ${latencyMs} ms (over ${slowMs} ms)`, details };
    }
    return { status: 'ok', message: `GET ${shown}: HTTP ${res.status} in ${latencyMs} ms`, details };
  }
}
