import { addDays, formatLocal, isKnownTimeZone, localDate, weekdayOf, zonedTime } from './zonedTime';

describe('zoned time', () => {
  it('turns wall-clock times into instants on both sides of a DST change', () => {
    // Berlin: UTC+1 until 2025-03-30 02:00, then UTC+2 until 2025-10-26 03:00.
    expect(new Date(zonedTime({ y: 2025, m: 3, d: 29 }, '06:00', 'Europe/Berlin')).toISOString()).toBe('2025-03-29T05:00:00.000Z');
    expect(new Date(zonedTime({ y: 2025, m: 3, d: 30 }, '06:00', 'Europe/Berlin')).toISOString()).toBe('2025-03-30T04:00:00.000Z');
    expect(new Date(zonedTime({ y: 2025, m: 10, d: 26 }, '06:00', 'Europe/Berlin')).toISOString()).toBe('2025-10-26T05:00:00.000Z');
    expect(zonedTime({ y: 2025, m: 1, d: 1 }, '00:00', 'UTC')).toBe(Date.UTC(2025, 0, 1));
  });

  it('gives the local date, weekday and wall-clock text of an instant', () => {
    const at = Date.parse('2025-03-02T23:30:00Z'); // Monday 00:30 in Berlin
    expect(localDate(at, 'Europe/Berlin')).toEqual({ y: 2025, m: 3, d: 3 });
    expect(localDate(new Date(at), 'UTC')).toEqual({ y: 2025, m: 3, d: 2 });
    expect(weekdayOf(localDate(at, 'Europe/Berlin'))).toBe(1);
    expect(addDays({ y: 2024, m: 2, d: 28 }, 1)).toEqual({ y: 2024, m: 2, d: 29 });
    expect(addDays({ y: 2025, m: 1, d: 1 }, -1)).toEqual({ y: 2024, m: 12, d: 31 });
    expect(formatLocal(new Date(at), 'Europe/Berlin')).toBe('00:30');
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
