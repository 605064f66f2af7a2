import { splitByMinute, bucketOf } from './buckets';

describe('splitByMinute', () => {
  const t0 = Date.parse('2026-11-25T10:00:00Z');

  it('keeps an interval inside one minute in that minute', () => {
    expect([...splitByMinute(t0 + 5_000, t0 + 20_000)]).toEqual([[t0, 15]]);
  });

  it('splits an interval at each minute boundary', () => {
    const parts = splitByMinute(t0 + 30_000, t0 + 150_000);
    expect([...parts]).toEqual([
      [t0, 30],
      [t0 + 60_000, 60],
      [t0 + 120_000, 30],
    ]);
    expect([...parts.values()].reduce((a, b) => a + b, 0)).toBe(120);
  });

  it('returns nothing for an empty or reversed interval', () => {
    expect(splitByMinute(t0, t0).size).toBe(0);
    expect(splitByMinute(t0 + 1, t0).size).toBe(0);
  });

  it('buckets a timestamp to the start of its minute', () => {
    expect(bucketOf(t0 + 59_999)).toBe(t0);
    expect(bucketOf(t0 + 60_000)).toBe(t0 + 60_000);
  });
});
