/**
 * Wall-clock time in IANA time zones, from the runtime's Intl data.
 * Isomorphic: the backend groups OEE by site shifts with it and the
 * frontend shows the same shifts.
 */

/**
 * A calendar date in some time zone; month is 1..12.
 *
 * @public
 */
export type LocalDate = { y: number; m: number; d: number };

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

function wallClock(ms: number, timeZone: string) {
  const p: Record<string, number> = {};
  for (const part of format(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return p;
}

/** UTC offset of the zone at an instant, in ms (positive east of UTC). */
function offsetAt(ms: number, timeZone: string): number {
  const p = wallClock(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/**
 * The date it is in the zone at an instant (a Date or ms since the epoch).
 *
 * @public
 */
export function localDate(at: Date | number, timeZone: string): LocalDate {
  const p = wallClock(typeof at === 'number' ? at : at.getTime(), timeZone);
  return { y: p.year, m: p.month, d: p.day };
}

/**
 * The calendar date `days` after `date`.
 *
 * @public
 */
export function addDays(date: LocalDate, days: number): LocalDate {
  const u = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: u.getUTCFullYear(), m: u.getUTCMonth() + 1, d: u.getUTCDate() };
}

/**
 * The weekday of a date, 0 = Sunday, as Date.getDay.
 *
 * @public
 */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay();
}

/**
 * The instant (ms since the epoch) a wall-clock `HH:MM` on `date` happens in the zone.
 *
 * @public
 */
export function zonedTime(date: LocalDate, hhmm: string, timeZone: string): number {
  const [h, min] = hhmm.split(':').map(Number);
  const wall = Date.UTC(date.y, date.m - 1, date.d, h, min);
  // Two passes: the offset at the first guess may differ across a DST change.
  return wall - offsetAt(wall - offsetAt(wall, timeZone), timeZone);
}

/**
 * Formats an instant as wall-clock time in the zone, e.g. "06:00", or with
 * the day, e.g. "Mon 3 Mar, 06:00".
 *
 * @public
 */
export function formatLocal(at: Date, timeZone: string, withDay = false): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    ...(withDay ? { weekday: 'short', day: 'numeric', month: 'short' } : {}),
  }).format(at);
}

/**
 * True when the runtime knows the IANA zone.
 *
 * @public
 */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    format(timeZone);
    return true;
  } catch {
    return false;
  }
}
