import type { SiteShift } from '@plantops/backstage-plugin-plant-common';
import { resolveWindow, shiftAt } from './windows';

const shifts: SiteShift[] = [
  {
    name: 'early',
    start: '06:00',
    end: '14:00',
    days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
  },
  {
    name: 'late',
    start: '14:00',
    end: '22:00',
    days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
  },
  {
    name: 'night',
    start: '22:00',
    end: '06:00',
    days: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu'],
  },
];
const berlin = 'Europe/Berlin';

describe('shiftAt', () => {
  it('finds the running shift in the site time zone (CEST, UTC+2)', () => {
    // Wednesday 2024-05-08 10:00 in Berlin
    const shift = shiftAt(shifts, berlin, new Date('2024-05-08T08:00:00Z'));
    expect(shift).toEqual({
      name: 'early',
      start: new Date('2024-05-08T04:00:00Z'),
      end: new Date('2024-05-08T12:00:00Z'),
      running: true,
    });
  });

  it('finds a night shift that started the day before', () => {
    // Thursday 2024-05-09 02:00 in Berlin: Wednesday's night shift
    const shift = shiftAt(shifts, berlin, new Date('2024-05-09T00:00:00Z'));
    expect(shift).toMatchObject({
      name: 'night',
      start: new Date('2024-05-08T20:00:00Z'),
      end: new Date('2024-05-09T04:00:00Z'),
      running: true,
    });
  });

  it('gives the last ended shift at the weekend', () => {
    // Saturday 2024-05-11 12:00: Friday's late shift ended at 22:00
    const shift = shiftAt(shifts, berlin, new Date('2024-05-11T10:00:00Z'));
    expect(shift).toEqual({
      name: 'late',
      start: new Date('2024-05-10T12:00:00Z'),
      end: new Date('2024-05-10T20:00:00Z'),
      running: false,
    });
  });

  it('follows the DST change (CET in winter, UTC+1)', () => {
    const shift = shiftAt(shifts, berlin, new Date('2024-01-10T06:00:00Z'));
    expect(shift?.start).toEqual(new Date('2024-01-10T05:00:00Z'));
  });
});

describe('resolveWindow', () => {
  const now = new Date('2024-05-08T08:00:00Z');

  it('runs the current shift from its start to now', () => {
    const w = resolveWindow('shift', now, { timezone: berlin, shifts });
    expect(w).toMatchObject({
      from: new Date('2024-05-08T04:00:00Z'),
      to: now,
      resolution: 'minute',
    });
    expect((w as { label: string }).label).toContain('early');
  });

  it('runs today from local midnight', () => {
    const w = resolveWindow('today', now, { timezone: berlin, shifts });
    expect(w).toMatchObject({
      from: new Date('2024-05-07T22:00:00Z'),
      to: now,
    });
  });

  it('runs the last 7 days back from now', () => {
    const w = resolveWindow('week', now, {});
    expect(w).toMatchObject({
      from: new Date('2024-05-01T08:00:00Z'),
      to: now,
    });
  });

  it('says why the shift is unknown without a calendar', () => {
    expect(
      resolveWindow('shift', now, { problem: 'site x is not in the catalog' }),
    ).toEqual({ problem: 'site x is not in the catalog' });
  });
});
