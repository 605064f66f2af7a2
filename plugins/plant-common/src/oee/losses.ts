import { OeeElements, oeeElementsProblem } from './elements';
import { plannedBusyTime } from './timeElements';

/**
 * Nakajima's six big losses, in minutes of lost time, with the two ends of
 * the loss waterfall:
 *
 * plannedBusyTime − (breakdowns + setupAdjustments + smallStops +
 * reducedSpeed + productionRejects + startupRejects) = fullyProductiveTime
 * = OEE × plannedBusyTime.
 *
 * @public
 */
export interface SixBigLosses {
  /** Availability: fault (ADET) + long idle (ADOT) stops, i.e. all unplanned stops at or above the micro-stop threshold. */
  breakdowns: number;
  /** Availability: setup / changeover time (AUST). */
  setupAdjustments: number;
  /** Performance: micro-stop time. */
  smallStops: number;
  /**
   * Performance: executing time − Σ(idealCycleTime × produced). Negative when
   * performance exceeds 100 % (ideal cycle time set too long).
   */
  reducedSpeed: number;
  /** Quality: Σ(idealCycleTime × productionRejects). */
  productionRejects: number;
  /** Quality: Σ(idealCycleTime × startupRejects). */
  startupRejects: number;
  /** PBT, the top of the waterfall. */
  plannedBusyTime: number;
  /** Σ(idealCycleTime × good) = OEE × PBT, the bottom of the waterfall. */
  fullyProductiveTime: number;
}

/**
 * The six big losses of the elements, in minutes (seconds / 60); see
 * {@link SixBigLosses} for each formula.
 *
 * @throws RangeError when the elements are invalid (see `oeeElementsProblem`).
 * @public
 */
export function sixBigLosses(elements: OeeElements): SixBigLosses {
  const problem = oeeElementsProblem(elements);
  if (problem) throw new RangeError(problem);
  const { time: t, production: p } = elements;
  const minutes = (seconds: number) => seconds / 60;
  return {
    breakdowns: minutes(t.faultTime + t.idleTime),
    setupAdjustments: minutes(t.setupTime),
    smallStops: minutes(t.microStopTime),
    reducedSpeed: minutes(t.executingTime - p.idealTimeProduced),
    productionRejects: minutes(p.idealTimeProductionRejects),
    startupRejects: minutes(p.idealTimeStartupRejects),
    plannedBusyTime: minutes(plannedBusyTime(t)),
    fullyProductiveTime: minutes(p.idealTimeGood),
  };
}
