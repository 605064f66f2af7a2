import { ShiftCalendar } from './calendar';
import { defaultPlant } from './model';

const at = (iso: string) => Date.parse(iso);

describe('ShiftCalendar', () => {
  // Berlin: UTC+1, Monday to Saturday, three shifts with two breaks each.
  const berlin = new ShiftCalendar(defaultPlant().sites[0].calendar);

  it('is in production inside a shift, until the next break', () => {
    expect(berlin.at(at('2025-03-03T05:00:00Z'))).toEqual({
      mode: 'production',
      shift: 'early',
      until: at('2025-03-03T08:00:00Z'),
    });
  });

  it('is on a break at the scheduled local time', () => {
    expect(berlin.at(at('2025-03-03T08:05:00Z'))).toEqual({
      mode: 'break',
      shift: 'early',
      until: at('2025-03-03T08:15:00Z'),
    });
  });

  it('runs a night shift past midnight, with its break after midnight', () => {
    // Tuesday 01:10 local is the Monday night shift's 01:00 break.
    expect(berlin.at(at('2025-03-04T00:10:00Z'))).toEqual({
      mode: 'break',
      shift: 'night',
      until: at('2025-03-04T00:15:00Z'),
    });
    // Monday 23:00 local: production until the 01:00 break.
    expect(berlin.at(at('2025-03-03T22:00:00Z'))).toMatchObject({
      mode: 'production',
      shift: 'night',
      until: at('2025-03-04T00:00:00Z'),
    });
  });

  it('has no shift on a non-working day, until the next shift starts', () => {
    // Saturday night shift ends Sunday 06:00 local; next shift Monday 06:00.
    expect(berlin.at(at('2025-03-09T05:00:00Z'))).toEqual({
      mode: 'noShift',
      until: at('2025-03-10T05:00:00Z'),
    });
  });

  it('never has a shift when none is configured', () => {
    const idle = new ShiftCalendar({ utcOffsetMinutes: 0, shifts: [] });
    expect(idle.at(0)).toEqual({ mode: 'noShift', until: Infinity });
  });
});
