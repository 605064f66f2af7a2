import fc from 'fast-check';
import { computeOee, OeeResult } from './computeOee';
import { OeeElements, oeeElements, sumOeeElements } from './elements';
import { sixBigLosses } from './losses';
import { ProductionRun, productionTotals } from './production';
import { MACHINE_STATES } from './states';
import {
  StateInterval,
  TIME_ELEMENT_KEYS,
  TimeElements,
  calendarTime,
  plannedBusyTime,
  sumTimeElements,
  timeElementsFromIntervals,
} from './timeElements';

const HOUR = 3_600_000;

// Whole seconds over a few hours, lengths up to 15 min: plenty of overlaps,
// gaps and stops on both sides of the 120 s threshold.
const intervalArb: fc.Arbitrary<StateInterval> = fc
  .record({
    state: fc.constantFrom(...MACHINE_STATES),
    start: fc.integer({ min: 0, max: 4 * 3600 }),
    length: fc.integer({ min: 0, max: 900 }),
  })
  .map(({ state, start, length }) => ({
    state,
    start: start * 1000,
    end: (start + length) * 1000,
  }));

const intervalsArb = fc.array(intervalArb, { maxLength: 40 });

const runArb: fc.Arbitrary<ProductionRun> = fc
  .record({
    idealCycleTime: fc.oneof(
      fc.constant(0),
      fc.double({ min: 0.1, max: 120, noNaN: true }),
    ),
    produced: fc.nat({ max: 50_000 }),
    startupShare: fc.double({ min: 0, max: 1, noNaN: true }),
    rejectShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ idealCycleTime, produced, startupShare, rejectShare }) => {
    const rejects = Math.floor(produced * rejectShare);
    const startupRejects = Math.floor(rejects * startupShare);
    return {
      idealCycleTime,
      produced,
      startupRejects,
      productionRejects: rejects - startupRejects,
    };
  });

const elementsArb: fc.Arbitrary<OeeElements> = fc
  .record({ intervals: intervalsArb, runs: fc.array(runArb, { maxLength: 4 }) })
  .map(({ intervals, runs }) =>
    oeeElements(timeElementsFromIntervals(intervals), runs),
  );

const close = (a: number, b: number) =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

const closeOrBothNull = (a: number | null, b: number | null) =>
  a === null || b === null ? a === b : close(a, b);

/** The fields where a and b differ beyond rounding, for a readable failure. */
function timeMismatches(a: TimeElements, b: TimeElements): string[] {
  return TIME_ELEMENT_KEYS.filter(key => !close(a[key], b[key])).map(
    key => `${key}: ${a[key]} != ${b[key]}`,
  );
}

const METRICS = [
  'availability',
  'performance',
  'quality',
  'oee',
  'teep',
] as const;

function resultMismatches(a: OeeResult, b: OeeResult): string[] {
  return METRICS.filter(m => !closeOrBothNull(a[m], b[m])).map(
    m => `${m}: ${a[m]} != ${b[m]}`,
  );
}

describe('OEE properties', () => {
  it('time elements do not depend on the order of intervals, or on duplicates', () => {
    fc.assert(
      fc.property(
        intervalsArb.chain(list =>
          fc.tuple(
            fc.constant(list),
            fc.shuffledSubarray(list, {
              minLength: list.length,
              maxLength: list.length,
            }),
          ),
        ),
        ([list, shuffled]) => {
          const expected = timeElementsFromIntervals(list);
          expect(timeElementsFromIntervals(shuffled)).toEqual(expected);
          expect(timeElementsFromIntervals([...shuffled, ...list])).toEqual(
            expected,
          );
        },
      ),
    );
  });

  it('every millisecond of the window is in exactly one time element', () => {
    fc.assert(
      fc.property(
        intervalsArb,
        fc.integer({ min: 0, max: 5 * HOUR }),
        fc.integer({ min: 0, max: 5 * HOUR }),
        (list, a, b) => {
          const window = { start: Math.min(a, b), end: Math.max(a, b) };
          const t = timeElementsFromIntervals(list, { window });
          expect(
            close(calendarTime(t), (window.end - window.start) / 1000),
          ).toBe(true);
          for (const key of TIME_ELEMENT_KEYS)
            expect(t[key]).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('aggregating shifts then computing equals computing on their union', () => {
    fc.assert(
      fc.property(
        intervalsArb,
        fc.array(runArb, { maxLength: 3 }),
        fc.array(runArb, { maxLength: 3 }),
        fc.integer({ min: 0, max: 5 * HOUR }),
        (list, runsA, runsB, split) => {
          const whole = { start: 0, end: 5 * HOUR };
          const shiftA = oeeElements(
            timeElementsFromIntervals(list, {
              window: { start: 0, end: split },
            }),
            runsA,
          );
          const shiftB = oeeElements(
            timeElementsFromIntervals(list, {
              window: { start: split, end: whole.end },
            }),
            runsB,
          );
          const union = oeeElements(
            timeElementsFromIntervals(list, { window: whole }),
            [...runsA, ...runsB],
          );
          const summed = sumOeeElements([shiftA, shiftB]);
          expect(timeMismatches(summed.time, union.time)).toEqual([]);
          expect(
            resultMismatches(computeOee(summed), computeOee(union)),
          ).toEqual([]);
        },
      ),
    );
  });

  it('aggregating machines is order-free and equals Σ ideal time of good parts / Σ PBT', () => {
    fc.assert(
      fc.property(
        fc.array(elementsArb, { minLength: 1, maxLength: 6 }).chain(list =>
          fc.tuple(
            fc.constant(list),
            fc.shuffledSubarray(list, {
              minLength: list.length,
              maxLength: list.length,
            }),
            fc.nat({ max: list.length }),
          ),
        ),
        ([machines, shuffled, cut]) => {
          const all = computeOee(sumOeeElements(machines));
          expect(
            resultMismatches(computeOee(sumOeeElements(shuffled)), all),
          ).toEqual([]);
          const nested = sumOeeElements([
            sumOeeElements(machines.slice(0, cut)),
            sumOeeElements(machines.slice(cut)),
          ]);
          expect(resultMismatches(computeOee(nested), all)).toEqual([]);

          const pbt = machines.reduce((s, m) => s + plannedBusyTime(m.time), 0);
          const good = machines.reduce(
            (s, m) => s + m.production.idealTimeGood,
            0,
          );
          const expected = pbt > 0 ? good / pbt : null;
          expect(closeOrBothNull(all.oee, expected)).toBe(true);
        },
      ),
    );
  });

  it('A × P × Q = OEE whenever all three are defined', () => {
    fc.assert(
      fc.property(
        fc.array(elementsArb, { minLength: 1, maxLength: 4 }),
        machines => {
          const r = computeOee(sumOeeElements(machines));
          fc.pre(
            r.availability !== null &&
              r.performance !== null &&
              r.quality !== null,
          );
          expect(
            close(r.availability! * r.performance! * r.quality!, r.oee!),
          ).toBe(true);
        },
      ),
    );
  });

  it('PBT − six big losses = fully productive time = OEE × PBT', () => {
    fc.assert(
      fc.property(
        fc.array(elementsArb, { minLength: 1, maxLength: 4 }),
        machines => {
          const elements = sumOeeElements(machines);
          const l = sixBigLosses(elements);
          const lost =
            l.breakdowns +
            l.setupAdjustments +
            l.smallStops +
            l.reducedSpeed +
            l.productionRejects +
            l.startupRejects;
          const scale = Math.max(
            1,
            l.plannedBusyTime,
            Math.abs(l.reducedSpeed),
          );
          expect(
            Math.abs(l.plannedBusyTime - lost - l.fullyProductiveTime),
          ).toBeLessThanOrEqual(1e-9 * scale);
          // OEE is null only when PBT is 0
          const { oee } = computeOee(elements);
          const holds =
            oee === null
              ? l.plannedBusyTime === 0
              : close(oee * l.plannedBusyTime, l.fullyProductiveTime);
          expect(holds).toBe(true);
        },
      ),
    );
  });

  it('performance above 1 is flagged and never clamped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 1.001, max: 10, noNaN: true }),
        (runSeconds, speedup) => {
          const produced = 1000;
          const elements = oeeElements(
            { ...timeElementsFromIntervals([]), executingTime: runSeconds },
            [
              {
                idealCycleTime: (runSeconds * speedup) / produced,
                produced,
                startupRejects: 0,
                productionRejects: 0,
              },
            ],
          );
          const r = computeOee(elements);
          expect(close(r.performance!, speedup)).toBe(true);
          expect(r.performance!).toBeGreaterThan(1);
          expect(r.flags.performanceAbove100).toBe(true);
        },
      ),
    );
    fc.assert(
      fc.property(elementsArb, elements => {
        const r = computeOee(elements);
        expect(r.flags.performanceAbove100).toBe(
          r.performance !== null && r.performance > 1 + 1e-9,
        );
      }),
    );
  });

  it('never returns NaN or Infinity, whatever the input', () => {
    const anyNumber = fc.oneof(
      fc.constant(0),
      fc.nat(),
      fc.constantFrom(Number.MAX_VALUE, Number.MIN_VALUE, 1e300),
      fc.double(), // includes NaN, ±Infinity, -0 and negatives
    );
    const rawElements = fc.record({
      time: fc.record(
        Object.fromEntries(
          TIME_ELEMENT_KEYS.map(k => [k, anyNumber]),
        ) as Record<keyof TimeElements, fc.Arbitrary<number>>,
      ),
      production: fc.record({
        produced: anyNumber,
        good: anyNumber,
        startupRejects: anyNumber,
        productionRejects: anyNumber,
        idealTimeProduced: anyNumber,
        idealTimeGood: anyNumber,
        idealTimeStartupRejects: anyNumber,
        idealTimeProductionRejects: anyNumber,
      }),
    });
    const consistent = fc
      .record({
        time: rawElements.map(e => e.time),
        runs: fc.array(
          fc.record({
            idealCycleTime: fc.oneof(
              fc.constant(0),
              fc.double({ min: 0, max: 1e6, noNaN: true }),
            ),
            produced: fc.nat(),
            startupRejects: fc.constant(0),
            productionRejects: fc.constant(0),
          }),
        ),
      })
      .map(({ time, runs }) => ({ time, production: productionTotals(runs) }));

    fc.assert(
      fc.property(fc.oneof(rawElements, consistent, elementsArb), elements => {
        const r = computeOee(elements);
        // each ratio is a finite number without a reason, or null with one
        const bad = METRICS.filter(m => {
          const value = r[m];
          return value === null
            ? typeof r.reasons[m] !== 'string'
            : !Number.isFinite(value) || r.reasons[m] !== undefined;
        });
        expect(bad).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('sums of time elements are field-wise', () => {
    fc.assert(
      fc.property(fc.array(intervalsArb, { maxLength: 4 }), lists => {
        const parts = lists.map(l => timeElementsFromIntervals(l));
        const sum = sumTimeElements(parts);
        for (const key of TIME_ELEMENT_KEYS) {
          expect(
            close(
              sum[key],
              parts.reduce((s, p) => s + p[key], 0),
            ),
          ).toBe(true);
        }
      }),
    );
  });
});
