import { generateRandomSecret } from './randomSecret';

describe('generateRandomSecret', () => {
  it('encodes the requested number of random bytes', () => {
    expect(Buffer.from(generateRandomSecret(32, 'base64'), 'base64')).toHaveLength(32);
    expect(generateRandomSecret(32, 'base64')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(generateRandomSecret(48, 'base64url')).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(generateRandomSecret(16, 'hex')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('never repeats and spreads over the alphabet', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateRandomSecret(32, 'hex')));
    expect(seen.size).toBe(1000);
    const counts = new Map<string, number>();
    for (const s of seen) for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
    // 64,000 hex digits: each of the 16 should appear about 4,000 times.
    expect(counts.size).toBe(16);
    for (const n of counts.values()) expect(Math.abs(n - 4000)).toBeLessThan(400);
  });
});
