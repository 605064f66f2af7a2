/** A fraction as a percentage with one decimal; never clamped. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return 'unknown';
  }
  return `${(value * 100).toFixed(1)}%`;
}

export function formatMinutes(minutes: number): string {
  return `${minutes.toFixed(1)} min`;
}
