import { OeeElements, oeeElementsProblem } from './elements';
import {
  actualProductionTime,
  calendarTime,
  plannedBusyTime,
} from './timeElements';

/**
 * The ratios {@link computeOee} returns.
 *
 * @public
 */
export type OeeMetric =
  | 'availability'
  | 'performance'
  | 'quality'
  | 'oee'
  | 'teep';

/**
 * OEE ratios as fractions (0.7479 = 74.79 %). A ratio whose denominator is
 * zero is `null` and `reasons` says why; no field is ever NaN or Infinity.
 *
 * @public
 */
export interface OeeResult {
  /** APT / PBT. */
  availability: number | null;
  /** Σ(idealCycleTime × produced) / APT. May exceed 1: never clamped, see `flags`. */
  performance: number | null;
  /** Σ(idealCycleTime × good) / Σ(idealCycleTime × produced); good / produced for one product. */
  quality: number | null;
  /** Σ(idealCycleTime × good) / PBT = availability × performance × quality. */
  oee: number | null;
  /** Σ(idealCycleTime × good) / calendar time = OEE × PBT / calendar time. */
  teep: number | null;
  /** Why each `null` ratio is null. */
  reasons: Partial<Record<OeeMetric, string>>;
  flags: {
    /** Performance above 1 (beyond 1e-9): the ideal cycle time is set too slow. */
    performanceAbove100: boolean;
  };
  /** Human-readable notes on suspicious data (performance above 100 %, unknown time, ...). */
  warnings: string[];
}

/**
 * OEE after ISO 22400-2, from time elements (seconds) and production totals.
 *
 * - Availability = APT / PBT
 * - Performance = Σ(idealCycleTime × produced) / APT (ISO 22400 "effectiveness")
 * - Quality = Σ(idealCycleTime × good) / Σ(idealCycleTime × produced); for a
 *   single ideal cycle time this is good / produced, and the weighting makes
 *   A × P × Q equal OEE for any aggregate. If no ideal time is known
 *   (idealCycleTime 0), good / produced.
 * - OEE = Σ(idealCycleTime × good) / PBT = A × P × Q. Defined whenever
 *   PBT > 0, even when P or Q is not (no run time gives OEE 0).
 * - TEEP = Σ(idealCycleTime × good) / calendar time = OEE × PBT / calendar time.
 *
 * Zero denominators give `null` with a reason. Invalid elements (negative,
 * non-finite or inconsistent; see {@link oeeElementsProblem}) give all
 * `null` with that problem as every reason.
 *
 * @public
 */
export function computeOee(elements: OeeElements): OeeResult {
  const result: OeeResult = {
    availability: null,
    performance: null,
    quality: null,
    oee: null,
    teep: null,
    reasons: {},
    flags: { performanceAbove100: false },
    warnings: [],
  };
  const problem = oeeElementsProblem(elements);
  if (problem) {
    const reason = `invalid input: ${problem}`;
    result.reasons = {
      availability: reason,
      performance: reason,
      quality: reason,
      oee: reason,
      teep: reason,
    };
    return result;
  }

  const { time, production: p } = elements;
  const pbt = plannedBusyTime(time);
  const apt = actualProductionTime(time);
  const calendar = calendarTime(time);

  const set = (metric: OeeMetric, num: number, den: number, zero: string) => {
    if (den <= 0) {
      result.reasons[metric] = zero;
    } else if (!Number.isFinite(num / den)) {
      // only absurd inputs (e.g. 1e300 parts in 1e-300 s) get here
      result.reasons[metric] = 'ratio overflows: check the inputs';
    } else {
      result[metric] = num / den;
    }
  };
  set('availability', apt, pbt, 'planned busy time (PBT) is 0');
  set('oee', p.idealTimeGood, pbt, 'planned busy time (PBT) is 0');
  set(
    'performance',
    p.idealTimeProduced,
    apt,
    'actual production time (APT) is 0',
  );
  const weighted = p.idealTimeProduced > 0;
  set(
    'quality',
    weighted ? p.idealTimeGood : p.good,
    weighted ? p.idealTimeProduced : p.produced,
    'no parts produced',
  );
  set('teep', p.idealTimeGood, calendar, 'calendar time is 0');

  if (apt <= 0 && p.produced > 0) {
    result.warnings.push(
      `${p.produced} parts counted with no Executing time: check the machine state mapping`,
    );
  }
  if (result.performance !== null && result.performance > 1 + 1e-9) {
    result.flags.performanceAbove100 = true;
    const percent = (result.performance * 100).toFixed(2);
    result.warnings.push(
      `performance is ${percent} % (above 100 %): ` +
        'the ideal cycle time is probably too long; set it to the fastest ' +
        'sustainable cycle of the product (nameplate rate)',
    );
  }
  if (p.produced > 0 && p.idealTimeProduced === 0) {
    result.warnings.push(
      'ideal cycle time is 0 for the parts produced: performance reads 0; set the ideal cycle time of each product',
    );
  }
  if (time.unknownTime > 0) {
    result.warnings.push(
      `${time.unknownTime} s have no machine state: counted in calendar time (TEEP) but not in PBT`,
    );
  }
  return result;
}
