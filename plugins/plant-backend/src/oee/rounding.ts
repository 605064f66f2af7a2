/**
 * A difference of summed seconds that is negative only by floating-point
 * rounding (PostgreSQL sums the minutes into hours and days as doubles), as 0.
 * A real negative stays, so the OEE checks still reject it.
 */
export function withoutRounding(seconds: number): number {
  return seconds < 0 && seconds > -1e-6 ? 0 : seconds;
}
