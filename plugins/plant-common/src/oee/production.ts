/**
 * Parts made of one product at one ideal cycle time, e.g. one machine in one
 * shift. Counts are parts; good = produced − startupRejects − productionRejects.
 *
 * @public
 */
export interface ProductionRun {
  /** Ideal cycle time in seconds per part (ISO 22400: planned run time per item). */
  idealCycleTime: number;
  /** Total parts produced, good and rejected (ISO 22400: PQ, produced quantity). */
  produced: number;
  /** Parts rejected while the process stabilises after start-up or changeover. */
  startupRejects: number;
  /** Parts rejected during steady production. */
  productionRejects: number;
}

/**
 * Part counts and their ideal times, summed over any number of runs,
 * machines, lines, shifts or days. Counts are parts; `idealTime*` fields are
 * seconds, each Σ (idealCycleTime × count) over the runs, so machines with
 * different cycle times add up correctly.
 *
 * @public
 */
export interface ProductionTotals {
  /** Parts produced (PQ). */
  produced: number;
  /** Good parts (GQ) = produced − startupRejects − productionRejects. */
  good: number;
  /** Start-up rejects, parts. */
  startupRejects: number;
  /** Production rejects, parts. */
  productionRejects: number;
  /** Σ idealCycleTime × produced, seconds. */
  idealTimeProduced: number;
  /** Σ idealCycleTime × good, seconds: the fully productive time. */
  idealTimeGood: number;
  /** Σ idealCycleTime × startupRejects, seconds. */
  idealTimeStartupRejects: number;
  /** Σ idealCycleTime × productionRejects, seconds. */
  idealTimeProductionRejects: number;
}

/**
 * All-zero {@link ProductionTotals}: the identity for sums.
 *
 * @public
 */
export const ZERO_PRODUCTION_TOTALS: Readonly<ProductionTotals> = Object.freeze(
  {
    produced: 0,
    good: 0,
    startupRejects: 0,
    productionRejects: 0,
    idealTimeProduced: 0,
    idealTimeGood: 0,
    idealTimeStartupRejects: 0,
    idealTimeProductionRejects: 0,
  },
);

/**
 * The field names of {@link ProductionTotals}, in a fixed order.
 *
 * @public
 */
export const PRODUCTION_TOTAL_KEYS: readonly (keyof ProductionTotals)[] =
  Object.keys(ZERO_PRODUCTION_TOTALS) as (keyof ProductionTotals)[];

/**
 * Totals of the given runs: counts in parts, ideal times in seconds
 * (idealCycleTime × count per run, then summed). Does not validate: rejects
 * above produced give a negative `good`, which `computeOee` reports.
 *
 * @public
 */
export function productionTotals(
  runs: readonly ProductionRun[],
): ProductionTotals {
  const sum: ProductionTotals = { ...ZERO_PRODUCTION_TOTALS };
  for (const run of runs) {
    const good = run.produced - run.startupRejects - run.productionRejects;
    sum.produced += run.produced;
    sum.good += good;
    sum.startupRejects += run.startupRejects;
    sum.productionRejects += run.productionRejects;
    sum.idealTimeProduced += run.idealCycleTime * run.produced;
    sum.idealTimeGood += run.idealCycleTime * good;
    sum.idealTimeStartupRejects += run.idealCycleTime * run.startupRejects;
    sum.idealTimeProductionRejects +=
      run.idealCycleTime * run.productionRejects;
  }
  return sum;
}

/**
 * Field-wise sum of production totals (parts and seconds).
 *
 * @public
 */
export function sumProductionTotals(
  list: readonly ProductionTotals[],
): ProductionTotals {
  const sum: ProductionTotals = { ...ZERO_PRODUCTION_TOTALS };
  for (const p of list) {
    for (const key of PRODUCTION_TOTAL_KEYS) sum[key] += p[key];
  }
  return sum;
}
