import { sixBigLosses, ZERO_TIME_ELEMENTS } from '@plantops/backstage-plugin-plant-common';
import { withoutRounding } from './rounding';

describe('withoutRounding', () => {
  it('turns a rounding residue of summed doubles into 0 and keeps real values', () => {
    // The residue the browser test hit: ideal - idealGood - idealStartup over summed hours.
    expect(withoutRounding(-1.7763568394002505e-14)).toBe(0);
    expect(withoutRounding(0.1 + 0.2 - 0.3)).toBe(0.1 + 0.2 - 0.3);
    expect(withoutRounding(12.5)).toBe(12.5);
    expect(withoutRounding(-0.5)).toBe(-0.5);
  });

  it('lets the six big losses accept what was a rounding residue', () => {
    const elements = (rejects: number) => ({
      time: { ...ZERO_TIME_ELEMENTS, executingTime: 3000 },
      production: {
        produced: 100,
        good: 100,
        startupRejects: 0,
        productionRejects: 0,
        idealTimeProduced: 2900,
        idealTimeGood: 2900,
        idealTimeStartupRejects: 0,
        idealTimeProductionRejects: rejects,
      },
    });
    expect(() => sixBigLosses(elements(-1.7763568394002505e-14) as any)).toThrow(/idealTimeProductionRejects/);
    expect(sixBigLosses(elements(withoutRounding(-1.7763568394002505e-14)) as any).productionRejects).toBe(0);
  });
});
