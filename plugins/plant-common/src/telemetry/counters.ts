/**
 * A reading of cumulative part counters (parts since the last reset).
 *
 * @public
 */
export interface CounterValues {
  total: number;
  good: number;
  reject: number;
  startupReject?: number;
}

/**
 * Parts counted between two readings, and whether the counters were reset
 * in between.
 *
 * @public
 */
export interface CounterDelta {
  delta: CounterValues;
  reset: boolean;
}

const KEYS = ['total', 'good', 'reject', 'startupReject'] as const;

/**
 * Parts counted from `prev` to `next`, two readings of one machine's
 * cumulative counters.
 *
 * A reset is any counter present in both readings going down (next < prev).
 * PLCs reset all counters together, so on a reset every counter of `next`
 * is taken as counted from zero: delta = next. Otherwise delta = next − prev
 * per counter. A counter missing from `prev` has delta 0 (its first reading
 * is the baseline) unless there was a reset; one missing from `next` is left
 * out.
 *
 * @public
 */
export function counterDelta(
  prev: CounterValues,
  next: CounterValues,
): CounterDelta {
  const reset = KEYS.some(
    key =>
      prev[key] !== undefined &&
      next[key] !== undefined &&
      next[key]! < prev[key]!,
  );
  const delta: CounterValues = { total: 0, good: 0, reject: 0 };
  for (const key of KEYS) {
    const now = next[key];
    if (now === undefined) continue;
    const before = prev[key];
    if (reset) delta[key] = now;
    else delta[key] = before === undefined ? 0 : now - before;
  }
  return { delta, reset };
}
