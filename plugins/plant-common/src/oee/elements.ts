import {
  PRODUCTION_TOTAL_KEYS,
  ProductionRun,
  ProductionTotals,
  productionTotals,
  sumProductionTotals,
} from './production';
import {
  TIME_ELEMENT_KEYS,
  TimeElements,
  calendarTime,
  sumTimeElements,
} from './timeElements';

/**
 * Everything OEE needs for one machine, line, site, shift or day: time
 * elements (seconds) and production totals (parts, seconds). Sums of
 * elements are elements too: aggregate by {@link sumOeeElements}, then
 * compute, never average percentages.
 *
 * @public
 */
export interface OeeElements {
  time: TimeElements;
  production: ProductionTotals;
}

/**
 * Builds the elements of one machine from its time elements and the runs
 * (products) it made in that time.
 *
 * @public
 */
export function oeeElements(
  time: TimeElements,
  runs: readonly ProductionRun[],
): OeeElements {
  return { time: { ...time }, production: productionTotals(runs) };
}

/**
 * Field-wise sum of elements (seconds and parts). OEE of the sum is the OEE
 * of the whole: Σ ideal time of good parts / Σ PBT.
 *
 * @public
 */
export function sumOeeElements(list: readonly OeeElements[]): OeeElements {
  return {
    time: sumTimeElements(list.map(e => e.time)),
    production: sumProductionTotals(list.map(e => e.production)),
  };
}

/**
 * Why these elements cannot give meaningful OEE, or undefined if they can:
 * every field must be a finite number >= 0 (and so must their sum), good + rejects must equal
 * produced, and the same for their ideal times (relative tolerance 1e-9).
 *
 * @public
 */
export function oeeElementsProblem(e: OeeElements): string | undefined {
  for (const key of TIME_ELEMENT_KEYS) {
    const problem = fieldProblem(`time.${key}`, e?.time?.[key]);
    if (problem) return problem;
  }
  for (const key of PRODUCTION_TOTAL_KEYS) {
    const problem = fieldProblem(`production.${key}`, e?.production?.[key]);
    if (problem) return problem;
  }
  if (!Number.isFinite(calendarTime(e.time))) {
    return 'time: the time elements add up to more than the largest finite number';
  }
  const p = e.production;
  if (!close(p.good + p.startupRejects + p.productionRejects, p.produced)) {
    return `production: good (${p.good}) + startupRejects (${p.startupRejects}) + productionRejects (${p.productionRejects}) must equal produced (${p.produced})`;
  }
  if (
    !close(
      p.idealTimeGood +
        p.idealTimeStartupRejects +
        p.idealTimeProductionRejects,
      p.idealTimeProduced,
    )
  ) {
    return `production: idealTimeGood + idealTimeStartupRejects + idealTimeProductionRejects must equal idealTimeProduced (${p.idealTimeProduced}); build totals with productionTotals()`;
  }
  return undefined;
}

function fieldProblem(name: string, value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return `${name}: must be a finite number, got ${String(value)}`;
  }
  if (value < 0) {
    const hint = name === 'production.good' ? ' (rejects exceed produced)' : '';
    return `${name}: must be >= 0, got ${value}${hint}`;
  }
  return undefined;
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
