import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { MACHINE_STATES } from '../oee/states';
import { parseTelemetryEvent } from './parse';
import { isUtcTimestamp, surelyValidEvent } from './quickCheck';
import { telemetryEventSchema } from './schema';
import {
  ANDON_ACTIONS,
  ANDON_COLOURS,
  SHIFT_CALENDAR_KINDS,
  TELEMETRY_EVENT_TYPES,
} from './types';

// The schema alone, compiled as parse.ts compiles it: the oracle.
const ajv = new Ajv({ discriminator: true, strict: true });
addFormats(ajv, ['date-time']);
const schemaAccepts = ajv.compile(telemetryEventSchema);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

// Dates and times near every edge: day 0/29/30/31, month 0/13, leap years,
// hour 24, second 60, fractions, offsets, lower-case letters, spaces.
const timestampArb = fc
  .record({
    y: fc.constantFrom(1900, 2000, 2023, 2024, 2100, 9999, 0),
    m: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 25 }),
    mi: fc.integer({ min: 0, max: 61 }),
    s: fc.integer({ min: 0, max: 61 }),
    frac: fc.constantFrom('', '.', '.0', '.123', '.123456789'),
    zone: fc.constantFrom('Z', 'z', '+02:00', '-00:00', '+2', ''),
    sep: fc.constantFrom('T', 't', ' '),
  })
  .map(
    t =>
      `${pad(t.y, 4)}-${pad(t.m)}-${pad(t.d)}${t.sep}${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}${t.frac}${t.zone}`,
  );

const stringArb = fc.oneof(
  fc.string({ minLength: 0, maxLength: 3 }),
  fc.constantFrom('m-01', 'x'.repeat(200), 'x'.repeat(201), '😀'.repeat(100), '😀'.repeat(101)),
);
const numberArb = fc.oneof(
  fc.integer({ min: -3, max: 1_000_000 }),
  fc.constantFrom(0, -0, 0.5, 1e21, Number.MAX_SAFE_INTEGER + 2),
  fc.double({ noNaN: true }),
);
// Any value a field might hold, of the right or a wrong type.
const anyArb = fc.oneof(stringArb, numberArb, timestampArb, fc.boolean(), fc.constant(null), fc.constant([]));

// Mostly a usual value, sometimes an edge case or the wrong kind.
const usually = <T,>(good: fc.Arbitrary<T>, edge: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: edge });
const goodTimestampArb = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-12-31T23:59:59Z'), noInvalidDate: true })
  .map(d => d.toISOString());
const goodId = fc.string({ minLength: 1, maxLength: 12 });
const goodCount = fc.nat();
const FIELD_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  schemaVersion: usually(fc.constant(1), fc.constantFrom(2, '1')),
  site: usually(goodId, stringArb),
  line: usually(goodId, stringArb),
  machine: usually(goodId, stringArb),
  sourceTimestamp: usually(goodTimestampArb, timestampArb),
  eventId: usually(goodId, stringArb),
  state: usually(fc.constantFrom(...MACHINE_STATES), fc.constantFrom('executing', '')),
  reason: usually(goodId, stringArb),
  total: usually(goodCount, numberArb),
  good: usually(goodCount, numberArb),
  reject: usually(goodCount, numberArb),
  startupReject: usually(goodCount, numberArb),
  productId: usually(goodId, stringArb),
  idealCycleTimeSeconds: usually(fc.double({ min: 0.001, max: 100, noNaN: true }), numberArb),
  kind: usually(fc.constantFrom(...SHIFT_CALENDAR_KINDS), fc.constant('Break')),
  start: usually(goodTimestampArb, timestampArb),
  end: usually(goodTimestampArb, timestampArb),
  name: usually(goodId, stringArb),
  action: usually(fc.constantFrom(...ANDON_ACTIONS), fc.constant('lowered')),
  station: usually(goodId, stringArb),
  colour: usually(fc.constantFrom(...ANDON_COLOURS), fc.constant('purple')),
  andonId: usually(goodId, stringArb),
};

const FIELDS: Record<string, string[]> = {
  counters: ['total', 'good', 'reject', 'startupReject', 'productId'],
  machineState: ['state', 'reason'],
  idealCycleTime: ['productId', 'idealCycleTimeSeconds'],
  andon: ['action', 'reason', 'station', 'colour', 'andonId'],
  shiftCalendar: ['kind', 'start', 'end', 'name'],
  other: ['state'],
};
const ENVELOPE = ['schemaVersion', 'site', 'line', 'machine', 'sourceTimestamp', 'eventId'];

// Events of every type with all their fields, then a few dropped, a few
// given anything (right or wrong type, or a field of another type), and
// sometimes an unknown field.
const eventArb = fc
  .record({
    type: fc.constantFrom(...TELEMETRY_EVENT_TYPES, 'other'),
    values: fc.record(FIELD_VALUES),
    drop: fc.array(fc.constantFrom(...ENVELOPE, 'state', 'total', 'reason', 'kind', 'end'), { maxLength: 1 }),
    wild: fc.dictionary(fc.constantFrom(...Object.keys(FIELD_VALUES)), anyArb, { maxKeys: 1 }),
    extra: fc.option(fc.constantFrom('colour2', '__proto__', 'toString'), { nil: undefined }),
  })
  .map(({ type, values, drop, wild, extra }) => {
    const event: Record<string, unknown> = { type };
    for (const k of [...ENVELOPE, ...FIELDS[type]]) event[k] = (values as Record<string, unknown>)[k];
    for (const k of drop) delete event[k];
    Object.assign(event, wild);
    if (extra) Object.defineProperty(event, extra, { value: 1, enumerable: true });
    return event;
  });

const valid = (type: string, extra: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  type,
  site: 'site-00',
  line: 'line-00',
  machine: 'm-00',
  sourceTimestamp: '2025-03-03T05:00:01.250Z',
  ...extra,
});
const USUAL = [
  valid('counters', { total: 10, good: 9, reject: 1, startupReject: 0, productId: 'p', eventId: 'e' }),
  valid('machineState', { state: 'Fault', reason: 'E12' }),
  valid('idealCycleTime', { productId: 'p', idealCycleTimeSeconds: 1.5 }),
  valid('andon', { action: 'raised', reason: 'r', station: 's', colour: 'red', andonId: 'a' }),
  valid('shiftCalendar', { kind: 'Shift', start: '2025-03-03T05:00:00Z', end: '2025-03-03T13:00:00Z', name: 'Early' }),
];

describe('surelyValidEvent', () => {
  it('never accepts an event the JSON Schema rejects', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(eventArb, event => {
        if (surelyValidEvent(event)) {
          accepted++;
          expect(schemaAccepts(event)).toBe(true);
        } else if (!schemaAccepts(event)) rejected++;
      }),
      { numRuns: 20_000 },
    );
    // Both sides of the line were exercised.
    expect(accepted).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(5_000);
  });

  it('accepts the usual UTC events of every type, so ajv is skipped for them', () => {
    for (const event of USUAL) {
      expect(schemaAccepts(event)).toBe(true);
      expect(surelyValidEvent(event)).toBe(true);
    }
  });

  it('leaves timestamps it does not read to the schema', () => {
    fc.assert(
      fc.property(timestampArb, t => {
        const event = valid('machineState', { state: 'Idle', sourceTimestamp: t });
        if (isUtcTimestamp(t)) expect(schemaAccepts(event)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    expect(isUtcTimestamp('2024-02-29T23:59:59.999Z')).toBe(true);
    expect(isUtcTimestamp('2023-02-29T00:00:00Z')).toBe(false);
    expect(isUtcTimestamp('2024-05-01T06:00:00+02:00')).toBe(false); // valid, but for ajv
  });

  it('leaves parseTelemetryEvent rejecting, with a reason, every event the schema rejects', () => {
    fc.assert(
      fc.property(eventArb, event => {
        const r = parseTelemetryEvent(JSON.stringify(event));
        // Cross-field rules (good + reject <= total, ...) can still reject what the schema takes.
        if (!schemaAccepts(JSON.parse(JSON.stringify(event)))) {
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.reason).not.toBe('');
        }
      }),
      { numRuns: 5_000 },
    );
  });
});
