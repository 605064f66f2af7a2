import {
  ZERO_TIME_ELEMENTS,
  computeOee,
  oeeElements,
  sumOeeElements,
} from '@plantops/backstage-plugin-plant-common';
import { groupOf, typicalHour } from '../../testing/fixtures';

// Half an hour of planned busy time (the other half a break), OEE 93.3%.
const halfHour = oeeElements(
  { ...ZERO_TIME_ELEMENTS, executingTime: 1800, plannedDowntime: 1800 },
  [
    {
      idealCycleTime: 2.4,
      produced: 700,
      startupRejects: 0,
      productionRejects: 0,
    },
  ],
);
import { paretoLosses, summarize } from './summarize';

describe('summarize', () => {
  it('is undefined without groups, so the card shows unknown rather than 0', () => {
    expect(summarize([])).toBeUndefined();
  });

  it('sums elements of several groups and recomputes, never averages', () => {
    const summary = summarize([
      groupOf({ machine: 'a' }, typicalHour),
      groupOf({ machine: 'b' }, halfHour),
    ]);
    // (2520 s + 1680 s of good parts) / (3600 s + 1800 s) of PBT
    expect(summary?.result.oee).toBeCloseTo(4200 / 5400, 12);
    expect(summary?.result.oee).toBeCloseTo(
      computeOee(sumOeeElements([typicalHour, halfHour])).oee!,
      12,
    );
    // not the plain mean of 70.0% and 93.3%
    expect(summary?.result.oee).not.toBeCloseTo((0.7 + 1680 / 1800) / 2, 3);
    expect(summary?.losses?.plannedBusyTime).toBeCloseTo(90);
  });
});

describe('paretoLosses', () => {
  it('sorts the six losses biggest first, in minutes', () => {
    const bars = paretoLosses(groupOf({}, typicalHour).losses);
    expect(bars.map(b => b.loss)).toEqual([
      'Breakdowns',
      'Reduced speed',
      'Production rejects',
      'Setup & adjustments',
      'Small stops',
      'Startup rejects',
    ]);
    expect(bars[0].minutes).toBeCloseTo(10); // 600 s fault
    expect(bars[1].minutes).toBeCloseTo(6); // 3000 s - 1100 × 2.4 s
    expect(bars[2].minutes).toBeCloseTo(2); // 50 rejects × 2.4 s
  });
});
