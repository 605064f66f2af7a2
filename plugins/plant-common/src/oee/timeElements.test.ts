import {
  StateInterval,
  actualProductionTime,
  calendarTime,
  plannedBusyTime,
  plannedOperationTime,
  timeElementsFromIntervals,
} from './timeElements';

const SEC = 1000;
const MIN = 60 * SEC;

/** Lays intervals end to end from t = 0: [state, milliseconds][]. */
function sequence(
  ...parts: [StateInterval['state'], number][]
): StateInterval[] {
  let t = 0;
  return parts.map(([state, length]) => {
    const interval = { state, start: t, end: t + length };
    t += length;
    return interval;
  });
}

describe('timeElementsFromIntervals', () => {
  it('sorts each state into its time element', () => {
    const t = timeElementsFromIntervals(
      sequence(
        ['NoShift', 60 * MIN],
        ['Setup', 20 * MIN],
        ['Executing', 100 * MIN],
        ['Fault', 10 * MIN],
        ['Executing', 50 * MIN],
        ['PlannedDowntime', 30 * MIN],
        ['NotExecuting', 5 * MIN],
        ['OutOfService', 3 * MIN],
        ['Idle', 7 * MIN],
      ),
    );
    expect(t).toEqual({
      noShiftTime: 3600,
      plannedDowntime: 1800,
      setupTime: 1200,
      faultTime: 600 + 180,
      idleTime: 300 + 420,
      microStopTime: 0,
      executingTime: 9000,
      unknownTime: 0,
    });
    expect(calendarTime(t)).toBe(285 * 60);
    expect(plannedOperationTime(t)).toBe(225 * 60);
    expect(plannedBusyTime(t)).toBe(195 * 60);
    expect(actualProductionTime(t)).toBe(150 * 60);
  });

  it('counts stops shorter than 120 s as micro-stops and longer ones as availability loss', () => {
    const t = timeElementsFromIntervals(
      sequence(
        ['Executing', 10 * MIN],
        ['Fault', 119_999],
        ['Executing', 10 * MIN],
        ['Fault', 120 * SEC], // exactly the threshold: not micro
        ['Executing', 10 * MIN],
        ['Idle', 30 * SEC],
        ['Executing', 10 * MIN],
      ),
    );
    expect(t.microStopTime).toBe(119.999 + 30);
    expect(t.faultTime).toBe(120);
    expect(t.idleTime).toBe(0);
    expect(actualProductionTime(t)).toBe(2400 + 149.999);
  });

  it('measures a stop over adjacent fault and idle time together', () => {
    // 60 s fault + 90 s idle = one 150 s stop: not micro, split by cause
    const long = timeElementsFromIntervals(
      sequence(
        ['Executing', MIN],
        ['Fault', 60 * SEC],
        ['Idle', 90 * SEC],
        ['Executing', MIN],
      ),
    );
    expect(long).toMatchObject({
      faultTime: 60,
      idleTime: 90,
      microStopTime: 0,
    });
    // 40 s + 40 s = one 80 s stop: micro
    const short = timeElementsFromIntervals(
      sequence(
        ['Executing', MIN],
        ['OutOfService', 40 * SEC],
        ['NotExecuting', 40 * SEC],
        ['Executing', MIN],
      ),
    );
    expect(short).toMatchObject({
      faultTime: 0,
      idleTime: 0,
      microStopTime: 80,
    });
  });

  it('takes the micro-stop threshold from the options', () => {
    const intervals = sequence(
      ['Executing', MIN],
      ['Idle', 10 * MIN],
      ['Executing', MIN],
    );
    expect(timeElementsFromIntervals(intervals).idleTime).toBe(600);
    expect(
      timeElementsFromIntervals(intervals, { microStopThresholdSeconds: 900 })
        .microStopTime,
    ).toBe(600);
    const off = timeElementsFromIntervals(
      sequence(['Executing', MIN], ['Idle', SEC]),
      {
        microStopThresholdSeconds: 0,
      },
    );
    expect(off).toMatchObject({ idleTime: 1, microStopTime: 0 });
  });

  it('does not let a setup, a break or a gap join two short stops into one', () => {
    for (const between of ['Setup', 'PlannedDowntime'] as const) {
      const t = timeElementsFromIntervals(
        sequence(
          ['Fault', 100 * SEC],
          [between, 10 * SEC],
          ['Fault', 100 * SEC],
        ),
      );
      expect(t.microStopTime).toBe(200);
    }
    const gap = timeElementsFromIntervals([
      { state: 'Fault', start: 0, end: 100 * SEC },
      { state: 'Fault', start: 110 * SEC, end: 210 * SEC },
    ]);
    expect(gap).toMatchObject({ microStopTime: 200, unknownTime: 10 });
  });

  it('resolves overlaps by precedence and counts duplicates once', () => {
    const t = timeElementsFromIntervals([
      { state: 'Executing', start: 0, end: 60 * MIN },
      { state: 'Executing', start: 0, end: 60 * MIN }, // duplicate
      { state: 'Fault', start: 10 * MIN, end: 20 * MIN }, // beats Executing
      { state: 'PlannedDowntime', start: 15 * MIN, end: 30 * MIN }, // beats Fault
      { state: 'NoShift', start: 25 * MIN, end: 35 * MIN }, // beats PlannedDowntime
      { state: 'Setup', start: 40 * MIN, end: 45 * MIN }, // beats Executing
      { state: 'Idle', start: 44 * MIN, end: 50 * MIN }, // loses to Setup, beats Executing
    ]);
    expect(t).toEqual({
      noShiftTime: 600,
      plannedDowntime: 600,
      setupTime: 300,
      faultTime: 300,
      idleTime: 300,
      microStopTime: 0,
      executingTime: 1500,
      unknownTime: 0,
    });
  });

  it('clips to a window, classifying stops by their full length', () => {
    // a 4-minute fault across the shift boundary at t = 10 min
    const intervals = sequence(
      ['Executing', 8 * MIN],
      ['Fault', 4 * MIN],
      ['Executing', 8 * MIN],
    );
    const first = timeElementsFromIntervals(intervals, {
      window: { start: 0, end: 10 * MIN },
    });
    expect(first).toMatchObject({
      executingTime: 480,
      faultTime: 120,
      microStopTime: 0,
    });
    // the window reaches past the data: the rest is unknown
    const second = timeElementsFromIntervals(intervals, {
      window: { start: 10 * MIN, end: 30 * MIN },
    });
    expect(second).toMatchObject({
      executingTime: 480,
      faultTime: 120,
      unknownTime: 600,
    });
  });

  it('ignores zero-length intervals and returns zeros for no data', () => {
    const t = timeElementsFromIntervals([{ state: 'Fault', start: 5, end: 5 }]);
    expect(calendarTime(t)).toBe(0);
    expect(calendarTime(timeElementsFromIntervals([]))).toBe(0);
    const empty = timeElementsFromIntervals([], {
      window: { start: 0, end: MIN },
    });
    expect(empty.unknownTime).toBe(60);
  });

  it('rejects malformed input with the offending field', () => {
    expect(() =>
      timeElementsFromIntervals([{ state: 'Executing', start: 10, end: 5 }]),
    ).toThrow('intervals[0]: end (5) is before start (10)');
    expect(() =>
      timeElementsFromIntervals([
        { state: 'Running' as any, start: 0, end: 5 },
      ]),
    ).toThrow('intervals[0].state: unknown machine state "Running"');
    expect(() =>
      timeElementsFromIntervals([{ state: 'Idle', start: NaN, end: 5 }]),
    ).toThrow(RangeError);
    expect(() =>
      timeElementsFromIntervals([], { window: { start: 5, end: 0 } }),
    ).toThrow(/^window:/);
    expect(() =>
      timeElementsFromIntervals([], { microStopThresholdSeconds: -1 }),
    ).toThrow(/^microStopThresholdSeconds:/);
  });
});
