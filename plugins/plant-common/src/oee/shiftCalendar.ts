import type { ShiftWeekday, SiteShift } from '../entities/SiteEntityV1alpha1';

/**
 * Shift calendars of Site entities in wall-clock time of the site's zone,
 * turned into instants. Isomorphic: the backend groups OEE by these shifts
 * and the frontend shows them.
 */

const WEEKDAYS: ShiftWeekday[] = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A calendar date in some time zone; month is 1..12. */
type LocalDate = { y: number; m: number; d: number };

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

function localDate(ms: number, timeZone: string): LocalDate {
  const p = wallClock(ms, timeZone);
  return { y: p.year, m: p.month, d: p.day };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const u = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: u.getUTCFullYear(), m: u.getUTCMonth() + 1, d: u.getUTCDate() };
}

/** The instant a wall-clock `HH:MM` on `date` happens in the zone. */
function zonedTime(date: LocalDate, hhmm: string, timeZone: string): number {
  const [h, min] = hhmm.split(':').map(Number);
  const wall = Date.UTC(date.y, date.m - 1, date.d, h, min);
  // Two passes: the offset at the first guess may differ across a DST change.
  return wall - offsetAt(wall - offsetAt(wall, timeZone), timeZone);
}

/** True when the runtime knows the IANA zone. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    format(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * One worked shift: [start, end) in ms, named by the local date it starts on
 * and the shift's name, e.g. "2026-11-25 Early".
 *
 * @public
 */
export interface ShiftSpan {
  name: string;
  label: string;
  start: number;
  end: number;
}

/**
 * Every shift of a calendar that overlaps [from, to), in start order. A
 * shift whose end is at or before its start runs past midnight.
 *
 * @public
 */
export function shiftSpans(shifts: SiteShift[], timeZone: string, from: number, to: number): ShiftSpan[] {
  const out: ShiftSpan[] = [];
  const first = addDays(localDate(from, timeZone), -1);
  const days = Math.ceil((to - from) / 86_400_000) + 2;
  for (let k = 0; k <= days; k++) {
    const day = addDays(first, k);
    const weekday = WEEKDAYS[new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay()];
    for (const shift of shifts) {
      if (!shift.days.includes(weekday)) continue;
      const start = zonedTime(day, shift.start, timeZone);
      const end = zonedTime(shift.end <= shift.start ? addDays(day, 1) : day, shift.end, timeZone);
      if (end <= from || start >= to) continue;
      const date = `${day.y}-${String(day.m).padStart(2, '0')}-${String(day.d).padStart(2, '0')}`;
      out.push({ name: shift.name, label: `${date} ${shift.name}`, start, end });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The shift running at `now`, if any. @public */
export function shiftAt(shifts: SiteShift[], timeZone: string, now: number): ShiftSpan | undefined {
  return shiftSpans(shifts, timeZone, now, now + 1).find(s => s.start <= now && now < s.end);
}
