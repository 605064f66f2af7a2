import {
  OeeResult,
  SixBigLosses,
  computeOee,
  sixBigLosses,
  sumOeeElements,
} from '@plantops/backstage-plugin-plant-common';
import type { OeeGroup } from '../../api';

export type OeeSummary = {
  result: OeeResult;
  losses?: SixBigLosses;
};

/**
 * One result for the card. The query groups by the card's own scope, so one
 * group is expected; should there be more, their elements are summed and
 * OEE recomputed (ISO 22400: never average percentages).
 */
export function summarize(groups: OeeGroup[]): OeeSummary | undefined {
  if (groups.length === 0) return undefined;
  if (groups.length === 1) {
    return { result: groups[0].result, losses: groups[0].losses };
  }
  const elements = sumOeeElements(groups.map(g => g.elements));
  const result = computeOee(elements);
  try {
    return { result, losses: sixBigLosses(elements) };
  } catch {
    // invalid elements: computeOee already says why in result.reasons
    return { result };
  }
}

export const LOSS_LABELS: Record<
  Exclude<keyof SixBigLosses, 'plannedBusyTime' | 'fullyProductiveTime'>,
  string
> = {
  breakdowns: 'Breakdowns',
  setupAdjustments: 'Setup & adjustments',
  smallStops: 'Small stops',
  reducedSpeed: 'Reduced speed',
  productionRejects: 'Production rejects',
  startupRejects: 'Startup rejects',
};

export type LossBar = { loss: string; minutes: number };

/** The six losses, biggest first (Pareto order). */
export function paretoLosses(losses: SixBigLosses): LossBar[] {
  return (Object.keys(LOSS_LABELS) as Array<keyof typeof LOSS_LABELS>)
    .map(key => ({ loss: LOSS_LABELS[key], minutes: losses[key] }))
    .filter(bar => Number.isFinite(bar.minutes))
    .sort((a, b) => b.minutes - a.minutes);
}
