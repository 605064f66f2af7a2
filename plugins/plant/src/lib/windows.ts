import {
  addDays,
  formatLocal,
  localDate,
  weekdayOf,
  zonedTime as zonedMs,
  type SiteShift,
  type ShiftWeekday,
  type LocalDate,
} from '@plantops/backstage-plugin-plant-common';
import type { TrendResolution } from '../api';

const zonedTime = (date: LocalDate, hhmm: string, timeZone: string) =>
  new Date(zonedMs(date, hhmm, timeZone));

const WEEKDAYS: ShiftWeekday[] = [
  'Sun',
  'Mon',
  'Tue',
  'Wed',
  'Thu',
  'Fri',
  'Sat',
];

/** A site's clock: its zone and shifts, or why they are not known. */
export type SiteClock = {
  timezone?: string;
  shifts?: SiteShift[];
  /** Why the shift calendar is unknown, when it is. */
  problem?: string;
};

export type ShiftSpan = {
  name: string;
  start: Date;
  end: Date;
  running: boolean;
};

/**
 * The shift running at `now`, or else the one that ended last (within a
 * week), so the card still has a shift to show between shifts.
 */
export function shiftAt(
  shifts: SiteShift[],
  timeZone: string,
  now: Date,
): ShiftSpan | undefined {
  const today = localDate(now, timeZone);
  let latest: ShiftSpan | undefined;
  for (let k = -8; k <= 0; k++) {
    const day = addDays(today, k);
    for (const shift of shifts) {
      if (!shift.days.includes(WEEKDAYS[weekdayOf(day)])) continue;
      const start = zonedTime(day, shift.start, timeZone);
      // An end at or before the start runs past midnight.
      const endDay = shift.end <= shift.start ? addDays(day, 1) : day;
      const end = zonedTime(endDay, shift.end, timeZone);
      if (start <= now && now < end) {
        return { name: shift.name, start, end, running: true };
      }
      if (end <= now && (!latest || end > latest.end)) {
        latest = { name: shift.name, start, end, running: false };
      }
    }
  }
  return latest;
}

export type WindowKind = 'shift' | 'today' | 'week';

export const WINDOW_LABELS: Record<WindowKind, string> = {
  shift: 'Current shift',
  today: 'Today',
  week: 'Last 7 days',
};

export type OeeWindow = {
  from: Date;
  to: Date;
  label: string;
  resolution: TrendResolution;
};

/** The time range of a window choice, or why it cannot be known. */
export function resolveWindow(
  kind: WindowKind,
  now: Date,
  clock: SiteClock,
): OeeWindow | { problem: string } {
  const timeZone = clock.timezone;
  if (kind === 'week') {
    return {
      from: new Date(now.getTime() - 7 * 24 * 3600_000),
      to: now,
      label: 'last 7 days',
      resolution: 'hour',
    };
  }
  if (kind === 'today') {
    const zone = timeZone ?? 'UTC';
    return {
      from: zonedTime(localDate(now, zone), '00:00', zone),
      to: now,
      label: timeZone ? 'today' : 'today (UTC: site time zone unknown)',
      resolution: 'hour',
    };
  }
  if (!timeZone || !clock.shifts) {
    return { problem: clock.problem ?? 'the site has no shift calendar' };
  }
  const shift = shiftAt(clock.shifts, timeZone, now);
  if (!shift) {
    return { problem: 'no shift in the site calendar during the last week' };
  }
  const span = `${formatLocal(
    shift.start,
    timeZone,
    !shift.running,
  )}–${formatLocal(shift.end, timeZone)}`;
  return shift.running
    ? {
        from: shift.start,
        to: now,
        label: `shift ${shift.name} (${span}, running)`,
        resolution: 'minute',
      }
    : {
        from: shift.start,
        to: shift.end,
        label: `last shift ${shift.name} (${span}, ended; no shift running)`,
        resolution: 'minute',
      };
}
