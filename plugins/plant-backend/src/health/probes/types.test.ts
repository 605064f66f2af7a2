import { isHealthNotMonitored, notMonitored } from './types';

const unmonitored = { probe: 'kubernetes', ...notMonitored('no cluster') };

describe('isHealthNotMonitored', () => {
  it('is an unknown health whose reasons are all not monitored here (or ok)', () => {
    expect(isHealthNotMonitored({ status: 'unknown', reasons: [unmonitored] })).toBe(true);
    expect(
      isHealthNotMonitored({ status: 'unknown', reasons: [unmonitored, { probe: 'http', status: 'ok', message: '200' }] }),
    ).toBe(true);
  });

  it('is not when a check ran and could not tell, when the health is known, or when there is no reason', () => {
    const timedOut = { probe: 'http', status: 'unknown' as const, message: 'timed out' };
    expect(isHealthNotMonitored({ status: 'unknown', reasons: [unmonitored, timedOut] })).toBe(false);
    expect(isHealthNotMonitored({ status: 'down', reasons: [unmonitored, { ...timedOut, status: 'down' }] })).toBe(false);
    expect(isHealthNotMonitored({ status: 'unknown', reasons: [] })).toBe(false);
  });
});
