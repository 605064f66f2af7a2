import { formatAge, parseInstant } from './relativeTime';

const now = new Date('2024-05-08T08:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('formatAge', () => {
  it.each([
    [0, 'just now'],
    [4_999, 'just now'],
    [45_000, '45 s ago'],
    [59_999, '59 s ago'],
    [60_000, '1 min ago'],
    [3 * 60_000 + 30_000, '3 min ago'],
    [5 * 3600_000, '5 h ago'],
    [47 * 3600_000, '47 h ago'],
    [3 * 24 * 3600_000, '3 d ago'],
    [-3_000, 'just now'],
    [-60_000, 'in the future (clock skew)'],
  ])('%i ms ago reads "%s"', (ms, text) => {
    expect(formatAge(ago(ms), now)).toBe(text);
  });
});

describe('parseInstant', () => {
  it('reads ISO instants and rejects missing or invalid ones', () => {
    expect(parseInstant('2024-05-08T08:00:00Z')).toEqual(now);
    expect(parseInstant(null)).toBeUndefined();
    expect(parseInstant('')).toBeUndefined();
    expect(parseInstant('yesterday-ish')).toBeUndefined();
  });
});
