/** Rollup resolution: one row per machine per minute. */
export const BUCKET_MS = 60_000;

export function bucketOf(ms: number): number {
  return Math.floor(ms / BUCKET_MS) * BUCKET_MS;
}

/**
 * Splits the half-open interval [fromMs, toMs) at minute boundaries and returns
 * the seconds that fall in each minute bucket (keyed by the bucket's start).
 */
export function splitByMinute(fromMs: number, toMs: number): Map<number, number> {
  const out = new Map<number, number>();
  let t = fromMs;
  while (t < toMs) {
    const bucket = bucketOf(t);
    const end = Math.min(bucket + BUCKET_MS, toMs);
    out.set(bucket, (out.get(bucket) ?? 0) + (end - t) / 1000);
    t = end;
  }
  return out;
}
