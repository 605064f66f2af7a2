import { firstLine } from './errors';

describe('firstLine', () => {
  it("keeps the first line of an error's message, or of a thrown value", () => {
    expect(firstLine(new Error('connect ECONNREFUSED\n    at TCPConnectWrap'))).toBe('connect ECONNREFUSED');
    expect(firstLine('plain\nsecond')).toBe('plain');
    expect(firstLine(undefined)).toBe('undefined');
  });
});
