import type { ShiftWeekday, SiteShift } from '../entities/SiteEntityV1alpha1';
import { addDays, localDate, weekdayOf, zonedTime } from './zonedTime';

/**
 * Shift calendars of Site entities in wall-clock time of the site's zone,
 * turned into instants. Isomorphic: the backend groups OEE by these shifts
 * and the frontend shows them.
 */

const WEEKDAYS: ShiftWeekday[] = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

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
    const weekday = WEEKDAYS[weekdayOf(day)];
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

/**
 * The shift running at `now` outside its planned breaks, if any: undefined
 * between shifts and in a break. @public
 */
export function plannedShiftAt(shifts: SiteShift[], timeZone: string, now: number): ShiftSpan | undefined {
  // A break is a short shift of its own; one after midnight falls on the next day.
  const breaks: SiteShift[] = shifts.flatMap(sh =>
    (sh.plannedBreaks ?? []).map(b => ({
      name: b.name,
      start: b.start,
      end: b.end,
      days: b.start < sh.start ? sh.days.map(d => WEEKDAYS[(WEEKDAYS.indexOf(d) + 1) % 7]) : sh.days,
    })),
  );
  if (breaks.length > 0 && shiftAt(breaks, timeZone, now)) return undefined;
  return shiftAt(shifts, timeZone, now);
}
