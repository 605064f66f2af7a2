import { computeOee } from './computeOee';
import { OeeElements, oeeElements, sumOeeElements } from './elements';
import {
  StateInterval,
  ZERO_TIME_ELEMENTS,
  timeElementsFromIntervals,
} from './timeElements';

const MIN = 60_000;

/** Lays intervals end to end from t = 0; lengths in minutes. */
function sequence(
  ...parts: [StateInterval['state'], number][]
): StateInterval[] {
  let t = 0;
  return parts.map(([state, minutes]) => {
    const interval = { state, start: t, end: t + minutes * MIN };
    t += minutes * MIN;
    return interval;
  });
}

/** Fraction rounded to a percentage with 2 decimals, as published vectors print it. */
const pct = (value: number | null) =>
  value === null ? null : Math.round(value * 10000) / 100;

/**
 * Classic vector (Vorne, oee.com "OEE calculation" example): 480 min shift,
 * breaks 2 x 15 min + 30 min meal = 60 min planned downtime, 47 min down,
 * ideal cycle time 1.0 s, 19,271 parts, 423 rejects.
 */
function classicShift(): OeeElements {
  const shift = [
    { state: 'Executing' as const, start: 0, end: 480 * MIN },
    // the calendar and the fault are laid over the machine's Executing state
    { state: 'PlannedDowntime' as const, start: 120 * MIN, end: 135 * MIN },
    { state: 'PlannedDowntime' as const, start: 240 * MIN, end: 270 * MIN },
    { state: 'PlannedDowntime' as const, start: 360 * MIN, end: 375 * MIN },
    { state: 'Fault' as const, start: 300 * MIN, end: 347 * MIN },
  ];
  return oeeElements(timeElementsFromIntervals(shift), [
    {
      idealCycleTime: 1,
      produced: 19_271,
      startupRejects: 0,
      productionRejects: 423,
    },
  ]);
}

describe('computeOee', () => {
  it('reproduces the classic published vector', () => {
    // PBT = 480 − 60 = 420 min; APT = 420 − 47 = 373 min
    // A = 373 / 420; P = 19,271 s / 22,380 s; Q = 18,848 / 19,271
    const r = computeOee(classicShift());
    expect(pct(r.availability)).toBe(88.81);
    expect(pct(r.performance)).toBe(86.11);
    expect(pct(r.quality)).toBe(97.8);
    expect(pct(r.oee)).toBe(74.79);
    expect(r.flags.performanceAbove100).toBe(false);
    expect(r.warnings).toEqual([]);
  });

  it('gives quality from all rejects, start-up or production', () => {
    const split = classicShift();
    const r = computeOee(
      oeeElements(split.time, [
        {
          idealCycleTime: 1,
          produced: 19_271,
          startupRejects: 100,
          productionRejects: 323,
        },
      ]),
    );
    expect(pct(r.quality)).toBe(97.8);
    expect(pct(r.oee)).toBe(74.79);
  });

  it('computes TEEP against the calendar, no-shift time included', () => {
    // the classic shift inside a 24 h day: TEEP = 18,848 s / 86,400 s
    const day = sumOeeElements([
      classicShift(),
      oeeElements({ ...ZERO_TIME_ELEMENTS, noShiftTime: 960 * 60 }, []),
    ]);
    const r = computeOee(day);
    expect(pct(r.oee)).toBe(74.79);
    expect(pct(r.teep)).toBe(21.81);
  });

  it('reproduces the waycalculator.com example', () => {
    // waycalculator.com OEE calculator, "Example 1": planned production time
    // 480 min, run time 420 min, ideal cycle time 1 min, 400 total, 380 good
    // → A 87.5 %, P 95.2 %, Q 95 %, OEE 79.1 % (they multiply the rounded
    // P; unrounded 380 min / 480 min = 79.17 %).
    const time = timeElementsFromIntervals(
      sequence(['Executing', 420], ['Fault', 60]),
    );
    const r = computeOee(
      oeeElements(time, [
        {
          idealCycleTime: 60,
          produced: 400,
          startupRejects: 0,
          productionRejects: 20,
        },
      ]),
    );
    expect(pct(r.availability)).toBe(87.5);
    expect(pct(r.performance)).toBe(95.24);
    expect(pct(r.quality)).toBe(95);
    expect(pct(r.oee)).toBe(79.17);
  });

  it('reproduces availability and performance of Willmott & McCarthy', () => {
    // Willmott & McCarthy, "TPM: A Route to World-Class Performance" (2001),
    // p. 148: planned availability 910 min, unplanned stoppages 115 min +
    // changeovers 12 min → uptime 783 min, availability 86.0 %; standard
    // cycle 3 min, 203 completed of 783 / 3 = 261 planned cycles → 77.7 %
    // (203 / 261 = 77.78 %). The excerpt gives no reject count.
    const time = timeElementsFromIntervals(
      sequence(
        ['Setup', 12],
        ['Executing', 400],
        ['OutOfService', 115],
        ['Executing', 383],
      ),
    );
    const r = computeOee(
      oeeElements(time, [
        {
          idealCycleTime: 180,
          produced: 203,
          startupRejects: 0,
          productionRejects: 0,
        },
      ]),
    );
    expect(pct(r.availability)).toBe(86.04);
    expect(pct(r.performance)).toBe(77.78);
  });

  describe('hand-derived two-machine vector', () => {
    // M1, 480 min window: setup 20, fault 40, break 30, 10 micro-stops of
    //   60 s (= 10 min), one 10 min idle, executing 370 min.
    //   PBT = 480 − 30 = 450; APT = 370 + 10 = 380 min.
    //   ideal 2 s; 10,000 made, 100 start-up + 200 production rejects.
    //   ideal(produced) = 20,000 s = 333.33 min; ideal(good) = 19,400 s = 323.33 min
    //   A = 380/450 = 84.44 %, P = 333.33/380 = 87.72 %, Q = 97 %, OEE = 323.33/450 = 71.85 %
    // M2, 480 min window: break 30 + planned maintenance 60, executing 390 min.
    //   PBT = APT = 390 min; ideal 3 s; 7,000 made, 350 production rejects.
    //   ideal(produced) = 350 min; ideal(good) = 332.5 min
    //   A = 100 %, P = 350/390 = 89.74 %, Q = 95 %, OEE = 332.5/390 = 85.26 %
    // Line: PBT 840, APT 770, ideal(produced) 683.33, ideal(good) 655.83 min
    //   A = 770/840 = 91.67 %, P = 683.33/770 = 88.74 %, Q = 655.83/683.33 = 95.98 %, OEE = 655.83/840 = 78.08 %
    //   The mean of the two OEEs (78.55 %) is wrong, and so is A × P × count
    //   quality (16,350/17,000 = 96.18 % → 78.24 %).
    // Idle first: an Idle right before the 10 min idle would join it into one stop
    const microStops = Array.from({ length: 10 }, () => [
      ['Idle', 1],
      ['Executing', 5],
    ]).flat() as [StateInterval['state'], number][];
    const m1 = oeeElements(
      timeElementsFromIntervals(
        sequence(
          ['Setup', 20],
          ['Executing', 100],
          ['Fault', 40],
          ['Executing', 50],
          ['PlannedDowntime', 30],
          ...microStops,
          ['Idle', 10],
          ['Executing', 170],
        ),
      ),
      [
        {
          idealCycleTime: 2,
          produced: 10_000,
          startupRejects: 100,
          productionRejects: 200,
        },
      ],
    );
    const m2 = oeeElements(
      timeElementsFromIntervals(
        sequence(
          ['Executing', 200],
          ['PlannedDowntime', 30],
          ['Executing', 190],
          ['PlannedDowntime', 60],
        ),
      ),
      [
        {
          idealCycleTime: 3,
          produced: 7_000,
          startupRejects: 0,
          productionRejects: 350,
        },
      ],
    );

    it('gives each machine its own ratios', () => {
      expect(m1.time).toMatchObject({
        microStopTime: 600,
        idleTime: 600,
        faultTime: 2400,
      });
      const r1 = computeOee(m1);
      expect(
        [r1.availability, r1.performance, r1.quality, r1.oee].map(pct),
      ).toEqual([84.44, 87.72, 97, 71.85]);
      const r2 = computeOee(m2);
      expect(
        [r2.availability, r2.performance, r2.quality, r2.oee].map(pct),
      ).toEqual([100, 89.74, 95, 85.26]);
    });

    it('aggregates by summing elements, not averaging ratios', () => {
      const line = computeOee(sumOeeElements([m1, m2]));
      expect(
        [line.availability, line.performance, line.quality, line.oee].map(pct),
      ).toEqual([91.67, 88.74, 95.98, 78.08]);
      expect(
        line.availability! * line.performance! * line.quality!,
      ).toBeCloseTo(line.oee!, 12);
      const meanOfOee = (computeOee(m1).oee! + computeOee(m2).oee!) / 2;
      expect(pct(meanOfOee)).toBe(78.55);
    });
  });

  it('flags performance above 100 % and keeps the value', () => {
    // 1 h executing, ideal 2 s, 2,000 parts: 4,000 s of ideal time in 3,600 s
    const time = timeElementsFromIntervals(sequence(['Executing', 60]));
    const r = computeOee(
      oeeElements(time, [
        {
          idealCycleTime: 2,
          produced: 2000,
          startupRejects: 0,
          productionRejects: 0,
        },
      ]),
    );
    expect(r.performance).toBeCloseTo(4000 / 3600, 12);
    expect(r.oee).toBeCloseTo(4000 / 3600, 12);
    expect(r.flags.performanceAbove100).toBe(true);
    expect(r.warnings.join()).toMatch(
      /performance is 111\.11 %.*ideal cycle time/,
    );
  });

  it('returns null with a reason for every zero denominator', () => {
    const r = computeOee(oeeElements(ZERO_TIME_ELEMENTS, []));
    expect(r).toMatchObject({
      availability: null,
      performance: null,
      quality: null,
      oee: null,
      teep: null,
      reasons: {
        availability: 'planned busy time (PBT) is 0',
        performance: 'actual production time (APT) is 0',
        quality: 'no parts produced',
        oee: 'planned busy time (PBT) is 0',
        teep: 'calendar time is 0',
      },
    });
  });

  it('gives OEE 0, not null, for a shift lost to one breakdown', () => {
    const time = timeElementsFromIntervals(sequence(['Fault', 480]));
    const r = computeOee(oeeElements(time, []));
    expect(r.availability).toBe(0);
    expect(r.oee).toBe(0);
    expect(r.teep).toBe(0);
    expect(r.performance).toBeNull();
    expect(r.quality).toBeNull();
  });

  it('warns about parts without run time, a missing ideal cycle time and unknown time', () => {
    const noRun = computeOee(
      oeeElements({ ...ZERO_TIME_ELEMENTS, faultTime: 60 }, [
        {
          idealCycleTime: 1,
          produced: 5,
          startupRejects: 0,
          productionRejects: 0,
        },
      ]),
    );
    expect(noRun.warnings).toContain(
      '5 parts counted with no Executing time: check the machine state mapping',
    );

    const noIdeal = computeOee(
      oeeElements(
        { ...ZERO_TIME_ELEMENTS, executingTime: 60, unknownTime: 30 },
        [
          {
            idealCycleTime: 0,
            produced: 10,
            startupRejects: 0,
            productionRejects: 1,
          },
        ],
      ),
    );
    expect(noIdeal.performance).toBe(0);
    expect(noIdeal.quality).toBe(0.9); // falls back to good / produced
    expect(noIdeal.teep).toBe(0);
    expect(noIdeal.warnings.join('\n')).toMatch(/ideal cycle time is 0/);
    expect(noIdeal.warnings.join('\n')).toMatch(/30 s have no machine state/);
  });

  it('returns all null with the problem for invalid elements', () => {
    const bad = oeeElements({ ...ZERO_TIME_ELEMENTS, executingTime: NaN }, []);
    const r = computeOee(bad);
    expect([r.availability, r.performance, r.quality, r.oee, r.teep]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(r.reasons.oee).toBe(
      'invalid input: time.executingTime: must be a finite number, got NaN',
    );

    const rejects = computeOee(
      oeeElements({ ...ZERO_TIME_ELEMENTS, executingTime: 60 }, [
        {
          idealCycleTime: 1,
          produced: 5,
          startupRejects: 3,
          productionRejects: 3,
        },
      ]),
    );
    expect(rejects.reasons.quality).toBe(
      'invalid input: production.good: must be >= 0, got -1 (rejects exceed produced)',
    );

    const inconsistent = oeeElements(
      { ...ZERO_TIME_ELEMENTS, executingTime: 60 },
      [
        {
          idealCycleTime: 1,
          produced: 5,
          startupRejects: 0,
          productionRejects: 1,
        },
      ],
    );
    inconsistent.production.good = 5;
    expect(computeOee(inconsistent).reasons.availability).toMatch(
      /^invalid input: production: good \(5\) \+ startupRejects \(0\) \+ productionRejects \(1\) must equal produced \(5\)/,
    );
  });
});
