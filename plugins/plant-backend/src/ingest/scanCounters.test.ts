import fc from 'fast-check';
import { parseTelemetryEvent } from '@plantops/backstage-plugin-plant-common';
import { scanCounters, ScannedCounters } from './scanCounters';

const out = (): ScannedCounters => ({
  site: '', line: '', machine: '', at: 0, total: 0, good: 0, reject: 0, startupReject: NaN,
});
const scan = (text: string) => {
  const o = out();
  return scanCounters(Buffer.from(text, 'utf8'), o) ? o : undefined;
};

const usual = {
  schemaVersion: 1, site: 'site-00', line: 'line-00', machine: 'm-01',
  sourceTimestamp: '2025-03-03T05:00:00.000Z', eventId: 'site-00/line-00/m-01/3', type: 'counters',
  total: 120, good: 117, reject: 3, startupReject: 1,
};

describe('scanCounters', () => {
  it('reads the usual counters message with the values the parser gives', () => {
    expect(scan(JSON.stringify(usual))).toEqual({
      site: 'site-00', line: 'line-00', machine: 'm-01', at: Date.parse(usual.sourceTimestamp),
      total: 120, good: 117, reject: 3, startupReject: 1,
    });
    for (const t of ['2024-02-29T23:59:59.999Z', '1999-12-31T00:00:00Z']) {
      expect(scan(JSON.stringify({ ...usual, sourceTimestamp: t }))?.at).toBe(Date.parse(t));
    }
    const { startupReject: _, ...without } = usual;
    expect(scan(JSON.stringify(without))?.startupReject).toBeNaN();
    expect(scan(` {\n "type" : "counters",${JSON.stringify(without).slice(1)}\t`.replace('"type":"counters",', ''))).toBeDefined();
  });

  it('reads names whose bytes hash alike as themselves', () => {
    // "Aa" and "BB" share their hash, as in Java's String.hashCode.
    for (const site of ['Aa', 'BB', 'Aa', 'BB']) expect(scan(JSON.stringify({ ...usual, site }))?.site).toBe(site);
  });

  it.each([
    ['another type', { ...usual, type: 'andon' }],
    ['a fraction', { ...usual, total: 120.5 }],
    ['an exponent', `${JSON.stringify(usual).replace('"total":120', '"total":1.2e2')}`],
    ['a negative count', { ...usual, reject: -1 }],
    ['a leading zero', JSON.stringify(usual).replace('"total":120', '"total":0120')],
    ['good + reject above total', { ...usual, good: 118 }],
    ['startupReject above reject', { ...usual, startupReject: 4 }],
    ['a time with an offset', { ...usual, sourceTimestamp: '2025-03-03T06:00:00.000+01:00' }],
    ['a time with six fraction digits', { ...usual, sourceTimestamp: '2025-03-03T05:00:00.000001Z' }],
    ['February 30', { ...usual, sourceTimestamp: '2025-02-30T05:00:00Z' }],
    ['an escaped string', { ...usual, machine: 'm-"01"' }],
    ['a non-ASCII string', { ...usual, machine: 'Füller' }],
    ['an unknown key', { ...usual, colour: 'red' }],
    ['a repeated key', JSON.stringify(usual).replace('"total":120', '"total":120,"total":121')],
    ['a missing machine', { ...usual, machine: undefined }],
    ['schemaVersion 2', { ...usual, schemaVersion: 2 }],
    ['an empty site', { ...usual, site: '' }],
    ['trailing text', `${JSON.stringify(usual)}x`],
    ['an array', `[${JSON.stringify(usual)}]`],
  ])('leaves %s to the parser', (_, event) => {
    expect(scan(typeof event === 'string' ? event : JSON.stringify(event))).toBeUndefined();
  });

  // What it accepts, the parser accepts with the same values; whatever the keys' order and spacing.
  it('never accepts what the parser refuses, nor reads other values', () => {
    const value = fc.oneof(
      fc.nat({ max: 1000 }), fc.integer({ min: -2, max: 2 }), fc.constantFrom(1.5, 1e3, 2 ** 53, 1e16, 0),
      fc.string({ maxLength: 4 }), fc.constantFrom('', 'counters', 'ä', 'a\\b', 'x'.repeat(201), 'x'.repeat(200)),
      fc.constantFrom('2025-03-03T05:00:00Z', '2024-02-29T23:59:59.999Z', '2023-02-29T00:00:00Z',
        '0999-01-01T00:00:00Z', '2025-03-03T05:00:00.1Z', '2025-03-03 05:00:00Z', '2025-13-01T00:00:00Z'),
      fc.constant(null), fc.boolean(),
    );
    const keys = Object.keys(usual).concat('productId', 'reason');
    const event = fc
      .tuple(
        fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }),
        fc.subarray(keys, { maxLength: 2 }),
        fc.shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length }),
        fc.constantFrom('', ' ', '\n\t'),
      )
      .map(([changes, dropped, order, space]) => {
        const e: Record<string, unknown> = { ...usual, productId: 'p-1', ...changes };
        for (const k of dropped) delete e[k];
        const ordered = Object.fromEntries(order.filter(k => k in e).map(k => [k, e[k]]));
        return JSON.stringify(ordered, null, space || undefined);
      });
    let accepted = 0;
    fc.assert(
      fc.property(event, text => {
        const s = scan(text);
        if (!s) return;
        accepted++;
        const parsed = parseTelemetryEvent(text);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok || parsed.event.type !== 'counters') throw new Error(`parser: ${JSON.stringify(parsed)}`);
        const e = parsed.event;
        expect(s).toEqual({
          site: e.site, line: e.line, machine: e.machine, at: Date.parse(e.sourceTimestamp),
          total: e.total, good: e.good, reject: e.reject, startupReject: e.startupReject ?? NaN,
        });
      }),
      { numRuns: 3000 },
    );
    // The property must see accepted messages, or it proves nothing.
    expect(accepted).toBeGreaterThan(100);
  });
});
