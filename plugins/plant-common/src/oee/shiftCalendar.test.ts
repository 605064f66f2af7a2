import { plannedShiftAt, shiftAt, shiftSpans } from './shiftCalendar';
import type { SiteShift } from '../entities/SiteEntityV1alpha1';

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'] as SiteShift['days'];
const shifts: SiteShift[] = [
  { name: 'Early', start: '06:00', end: '14:00', days: weekdays },
  { name: 'Late', start: '14:00', end: '22:00', days: weekdays },
  { name: 'Night', start: '22:00', end: '06:00', days: weekdays },
];

describe('shift calendar', () => {
  it('places shifts in the site zone, across midnight, on their weekdays only', () => {
    // Friday 2026-11-27 in Berlin (UTC+1 in winter) to Monday 06:00.
    const spans = shiftSpans(shifts, 'Europe/Berlin', Date.parse('2026-11-27T05:00:00Z'), Date.parse('2026-11-30T05:00:00Z'));
    expect(spans.map(s => [s.label, new Date(s.start).toISOString(), new Date(s.end).toISOString()])).toEqual([
      ['2026-11-27 Early', '2026-11-27T05:00:00.000Z', '2026-11-27T13:00:00.000Z'],
      ['2026-11-27 Late', '2026-11-27T13:00:00.000Z', '2026-11-27T21:00:00.000Z'],
      ['2026-11-27 Night', '2026-11-27T21:00:00.000Z', '2026-11-28T05:00:00.000Z'],
    ]);
  });

  it('follows daylight saving time', () => {
    // 2026-03-30 is the Monday after the spring change: Berlin is UTC+2.
    const early = shiftAt(shifts, 'Europe/Berlin', Date.parse('2026-03-30T05:00:00Z'));
    expect(early && new Date(early.start).toISOString()).toBe('2026-03-30T04:00:00.000Z');
    expect(shiftAt(shifts, 'Europe/Berlin', Date.parse('2026-03-29T10:00:00Z'))).toBeUndefined(); // Sunday
  });

  it('has no planned shift in a planned break, also in one after midnight of a night shift', () => {
    const withBreaks: SiteShift[] = [
      { ...shifts[0], plannedBreaks: [{ name: 'Lunch', start: '10:00', end: '10:30' }] },
      { ...shifts[2], plannedBreaks: [{ name: 'Night meal', start: '02:00', end: '02:30' }] },
    ];
    const at = (iso: string) => plannedShiftAt(withBreaks, 'Europe/Berlin', Date.parse(iso))?.label;
    // Friday 2026-11-27 in Berlin (UTC+1).
    expect(at('2026-11-27T09:15:00Z')).toBeUndefined(); // 10:15, lunch
    expect(at('2026-11-27T09:45:00Z')).toBe('2026-11-27 Early');
    // Saturday 02:15: Friday's night shift, in its break (which falls on the Saturday).
    expect(at('2026-11-28T01:15:00Z')).toBeUndefined();
    expect(at('2026-11-28T01:45:00Z')).toBe('2026-11-27 Night');
    expect(at('2026-11-27T15:00:00Z')).toBeUndefined(); // no Late shift in this calendar
  });
});
