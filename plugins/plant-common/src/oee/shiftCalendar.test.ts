import { shiftAt, shiftSpans } from './shiftCalendar';
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
});
