import type { Entity } from '@backstage/catalog-model';
import type { Probe, ProbeResult } from './types';

/**
 * Runs one probe with a timeout. A probe that times out gives its
 * timeoutStatus (down for reachability probes, unknown otherwise); one that
 * throws gives unknown with the error: never ok, never a crashed sweep.
 */
export async function runProbe(probe: Probe, entity: Entity, timeoutMs: number): Promise<ProbeResult & { ms: number }> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<ProbeResult>(resolve => {
    timer = setTimeout(() => {
      controller.abort(new Error(`no answer within ${timeoutMs} ms`));
      resolve({ status: probe.timeoutStatus ?? 'unknown', message: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  try {
    const r = await Promise.race([
      probe.run(entity, controller.signal).catch(
        (e): ProbeResult => ({ status: 'unknown', message: `probe failed: ${e?.message ?? e}` }),
      ),
      timedOut,
    ]);
    return { ...r, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
