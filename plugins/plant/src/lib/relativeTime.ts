/**
 * How long ago an instant was, in words: "just now", "45 s ago",
 * "3 min ago", "5 h ago", "2 d ago". An instant up to a few seconds ahead
 * (clock skew between the edge and the browser) is "just now"; further
 * ahead it says so rather than pretending to be recent.
 */
export function formatAge(at: Date, now: Date): string {
  const ms = now.getTime() - at.getTime();
  if (ms < -5_000) return 'in the future (clock skew)';
  const s = Math.floor(Math.max(ms, 0) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** A date from an ISO string, or undefined for a missing or invalid one. */
export function parseInstant(
  value: string | null | undefined,
): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
