import { clockMinutes, ShiftCalendarConfig } from './model';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** What the calendar says at an instant, and until when it stays so. */
export interface CalendarSlot {
  mode: 'production' | 'break' | 'noShift';
  /** Shift name, when inside a shift. */
  shift?: string;
  /** UTC epoch ms where this slot ends (Infinity if it never does). */
  until: number;
}

interface Interval {
  shift: string;
  start: number;
  end: number;
  breaks: Array<[number, number]>;
}

/**
 * A site's shift calendar in a fixed UTC offset. Times are epoch ms; the
 * calendar works in site local ms internally.
 */
export class ShiftCalendar {
  private readonly offsetMs: number;
  private readonly workdays: Set<number>;

  constructor(private readonly config: ShiftCalendarConfig) {
    this.offsetMs = config.utcOffsetMinutes * MINUTE;
    this.workdays = new Set(config.workdays ?? [0, 1, 2, 3, 4, 5, 6]);
  }

  at(utcMs: number): CalendarSlot {
    const local = utcMs + this.offsetMs;
    const day = Math.floor(local / DAY);
    // A night shift that started yesterday may still be running.
    for (const iv of [...this.intervals(day - 1), ...this.intervals(day)]) {
      if (local < iv.start || local >= iv.end) continue;
      let until = iv.end;
      for (const [bs, be] of iv.breaks) {
        if (local >= bs && local < be) {
          return { mode: 'break', shift: iv.shift, until: be - this.offsetMs };
        }
        if (bs > local && bs < until) until = bs;
      }
      return {
        mode: 'production',
        shift: iv.shift,
        until: until - this.offsetMs,
      };
    }
    let next = Infinity;
    for (let d = day; d <= day + 8 && next === Infinity; d++) {
      for (const iv of this.intervals(d)) {
        if (iv.start > local && iv.start < next) next = iv.start;
      }
    }
    return { mode: 'noShift', until: next - this.offsetMs };
  }

  // Shifts that start on local day `day` (days since the epoch).
  private intervals(day: number): Interval[] {
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    if (!this.workdays.has(weekday)) return [];
    const base = day * DAY;
    return this.config.shifts.map(s => {
      const start = base + clockMinutes(s.start) * MINUTE;
      let end = base + clockMinutes(s.end) * MINUTE;
      if (end <= start) end += DAY;
      const breaks = (s.breaks ?? []).map(b => {
        let bs = base + clockMinutes(b.start) * MINUTE;
        if (bs < start) bs += DAY;
        return [bs, bs + b.minutes * MINUTE] as [number, number];
      });
      return { shift: s.name, start, end, breaks };
    });
  }
}
