import fc from 'fast-check';
import { counterDelta } from './counters';

describe('counterDelta', () => {
  it('returns next − prev while counters only grow', () => {
    expect(
      counterDelta(
        { total: 100, good: 95, reject: 5 },
        { total: 130, good: 123, reject: 7 },
      ),
    ).toEqual({ delta: { total: 30, good: 28, reject: 2 }, reset: false });
  });

  it('treats any counter going down as a reset and counts next from zero', () => {
    // reject did not go down, but the device reset all its counters
    expect(
      counterDelta(
        { total: 1000, good: 990, reject: 10 },
        { total: 12, good: 2, reject: 10 },
      ),
    ).toEqual({ delta: { total: 12, good: 2, reject: 10 }, reset: true });
    expect(
      counterDelta(
        { total: 50, good: 50, reject: 0, startupReject: 4 },
        { total: 60, good: 60, reject: 0, startupReject: 0 },
      ),
    ).toEqual({
      delta: { total: 60, good: 60, reject: 0, startupReject: 0 },
      reset: true,
    });
  });

  it('takes a counter first seen in next as its baseline', () => {
    expect(
      counterDelta(
        { total: 10, good: 10, reject: 0 },
        { total: 11, good: 10, reject: 1, startupReject: 1 },
      ),
    ).toEqual({
      delta: { total: 1, good: 0, reject: 1, startupReject: 0 },
      reset: false,
    });
  });

  it('sums to the parts counted across any number of visible resets', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ parts: fc.nat({ max: 100 }), reset: fc.boolean() }),
          { maxLength: 50 },
        ),
        steps => {
          let prev = { total: 0, good: 0, reject: 0 };
          let counted = 0;
          let sum = 0;
          for (const step of steps) {
            // a reset shows only if the device then counts fewer parts than
            // it had: keep it below the old value, and skip resets at 0
            const reset = step.reset && prev.total > 0;
            const parts = reset
              ? Math.min(step.parts, prev.total - 1)
              : step.parts;
            const total = (reset ? 0 : prev.total) + parts;
            const next = { total, good: total, reject: 0 };
            const result = counterDelta(prev, next);
            expect(result.reset).toBe(reset);
            counted += parts;
            sum += result.delta.total;
            prev = next;
          }
          expect(sum).toBe(counted);
        },
      ),
    );
  });
});
