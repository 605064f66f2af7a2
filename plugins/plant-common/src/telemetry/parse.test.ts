import { parseTelemetryEvent } from './parse';
import {
  andonEventSchema,
  counterEventSchema,
  idealCycleTimeEventSchema,
  machineStateEventSchema,
  shiftCalendarEventSchema,
} from './schema';
import {
  AndonEvent,
  CounterEvent,
  IdealCycleTimeEvent,
  MachineStateEvent,
  ShiftCalendarEvent,
  TelemetryEvent,
} from './types';

const envelope = {
  schemaVersion: 1 as const,
  site: 'plant-north',
  line: 'line-1',
  machine: 'press-04',
  sourceTimestamp: '2024-05-01T06:00:00.000Z',
};

// Every optional field set, so the key lists can be checked against the schemas.
const machineState: Required<MachineStateEvent> = {
  ...envelope,
  eventId: 'evt-1',
  type: 'machineState',
  state: 'Fault',
  reason: 'E-STOP 12',
};
const counters: Required<CounterEvent> = {
  ...envelope,
  eventId: 'evt-2',
  type: 'counters',
  total: 1200,
  good: 1180,
  reject: 20,
  startupReject: 5,
  productId: 'bracket-7',
};
const idealCycleTime: Required<IdealCycleTimeEvent> = {
  ...envelope,
  eventId: 'evt-3',
  type: 'idealCycleTime',
  productId: 'bracket-7',
  idealCycleTimeSeconds: 1.5,
};
const shiftCalendar: Required<ShiftCalendarEvent> = {
  ...envelope,
  eventId: 'evt-4',
  type: 'shiftCalendar',
  kind: 'PlannedDowntime',
  start: '2024-05-01T10:00:00+02:00',
  end: '2024-05-01T10:30:00+02:00',
  name: 'Lunch break',
};
const andon: Required<AndonEvent> = {
  ...envelope,
  eventId: 'evt-5',
  type: 'andon',
  action: 'raised',
  reason: 'material shortage',
  station: 'st-3',
  colour: 'blue',
  andonId: 'call-77',
};

const examples: [TelemetryEvent, object][] = [
  [machineState, machineStateEventSchema],
  [counters, counterEventSchema],
  [idealCycleTime, idealCycleTimeEventSchema],
  [shiftCalendar, shiftCalendarEventSchema],
  [andon, andonEventSchema],
];

function omit(event: object, ...keys: string[]): object {
  return Object.fromEntries(
    Object.entries(event).filter(([key]) => !keys.includes(key)),
  );
}

function reasonOf(raw: unknown): string {
  const result = parseTelemetryEvent(raw);
  if (result.ok)
    throw new Error(`expected a failure, got ${JSON.stringify(result.event)}`);
  return result.reason;
}

describe('parseTelemetryEvent', () => {
  it.each(examples.map(([event]) => [event.type, event]))(
    'accepts a valid %s event',
    (_, event) => {
      expect(parseTelemetryEvent(event)).toEqual({ ok: true, event });
      expect(parseTelemetryEvent(JSON.stringify(event))).toEqual({
        ok: true,
        event,
      });
      expect(
        parseTelemetryEvent(new TextEncoder().encode(JSON.stringify(event))),
      ).toEqual({
        ok: true,
        event,
      });
    },
  );

  it('accepts events without their optional fields', () => {
    for (const [event, schema] of examples) {
      const optional = Object.keys(event).filter(
        key => !(schema as any).required.includes(key),
      );
      expect(optional).toContain('eventId');
      expect(parseTelemetryEvent(omit(event, ...optional)).ok).toBe(true);
    }
  });

  it('schema properties match the TypeScript types', () => {
    for (const [event, schema] of examples) {
      expect(Object.keys((schema as any).properties).sort()).toEqual(
        Object.keys(event).sort(),
      );
    }
  });

  it('names a missing field and its type', () => {
    expect(reasonOf(omit(counters, 'machine'))).toBe(
      'machine: required string missing',
    );
    expect(reasonOf(omit(machineState, 'state'))).toMatch(
      /^state: required string missing; one of Executing, Idle, /,
    );
    expect(reasonOf(omit(andon, 'schemaVersion'))).toBe(
      'schemaVersion: required integer missing; set it to 1',
    );
    expect(reasonOf(omit(shiftCalendar, 'end'))).toBe(
      'end: required string (ISO 8601 date-time with zone) missing',
    );
  });

  it('names a field of the wrong type', () => {
    expect(reasonOf({ ...counters, total: '1200' })).toBe(
      'total: must be integer, got string "1200"',
    );
    expect(reasonOf({ ...counters, good: 1.5 })).toBe(
      'good: must be integer, got number 1.5',
    );
    expect(reasonOf({ ...counters, reject: -1 })).toBe(
      'reject: must be >= 0, got -1',
    );
    expect(reasonOf({ ...idealCycleTime, idealCycleTimeSeconds: 0 })).toBe(
      'idealCycleTimeSeconds: must be > 0, got 0',
    );
    expect(reasonOf({ ...andon, colour: 'pink' })).toBe(
      'colour: must be one of red, yellow, green, blue, white, got "pink"',
    );
    expect(reasonOf({ ...machineState, site: '' })).toBe(
      'site: must not be empty',
    );
  });

  it('lists every bad field, one reason each', () => {
    expect(
      reasonOf({ ...omit(counters, 'machine'), total: 'x', colour: 'red' }),
    ).toBe(
      'machine: required string missing; ' +
        'colour: unknown field; remove it (allowed: schemaVersion, site, line, machine, sourceTimestamp, eventId, type, total, good, reject, startupReject, productId); ' +
        'total: must be integer, got string "x"',
    );
  });

  it.each([
    ['without a zone', '2024-05-01T06:00:00'],
    ['with a space for the T', '2024-05-01 06:00:00Z'],
    ['that is not a date', 'yesterday'],
    ['on a day that does not exist', '2024-02-30T06:00:00Z'],
    ['with an offset lacking its colon', '2024-05-01T06:00:00+0200'],
  ])('rejects a timestamp %s', (_, sourceTimestamp) => {
    expect(reasonOf({ ...machineState, sourceTimestamp })).toBe(
      `sourceTimestamp: must be an ISO 8601 date-time with zone, e.g. 2024-05-01T06:00:00.000Z, got ${JSON.stringify(
        sourceTimestamp,
      )}`,
    );
  });

  it('rejects a leap second Date.parse cannot place', () => {
    expect(
      reasonOf({ ...machineState, sourceTimestamp: '2016-12-31T23:59:60Z' }),
    ).toBe('sourceTimestamp: "2016-12-31T23:59:60Z" is not a valid instant');
  });

  it('rejects an unknown or missing type', () => {
    expect(reasonOf({ ...machineState, type: 'temperature' })).toBe(
      'type: must be one of machineState, counters, idealCycleTime, shiftCalendar, andon, got "temperature"',
    );
    expect(reasonOf(omit(machineState, 'type'))).toMatch(
      /^type: required string missing; one of machineState, /,
    );
  });

  it('rejects another schema version without judging the rest', () => {
    expect(
      reasonOf({ ...machineState, schemaVersion: 2, state: 'Running' }),
    ).toBe(
      'schemaVersion: unsupported version 2; this reader accepts the integer 1',
    );
    expect(reasonOf({ ...machineState, schemaVersion: '1' })).toBe(
      'schemaVersion: unsupported version "1" (string); this reader accepts the integer 1',
    );
  });

  it.each([
    [null, 'null'],
    [[machineState], 'array'],
    [42, 'number'],
    [undefined, 'undefined'],
    ['"a string"', 'string'],
  ])('rejects the non-object %p', (raw, kind) => {
    expect(reasonOf(raw)).toBe(`event: must be a JSON object, got ${kind}`);
  });

  it('describes values JSON cannot print', () => {
    expect(reasonOf({ ...counters, total: BigInt(5) })).toBe(
      'total: must be integer, got bigint 5',
    );
    expect(reasonOf({ ...machineState, schemaVersion: BigInt(1) })).toBe(
      'schemaVersion: unsupported version 1 (bigint); this reader accepts the integer 1',
    );
  });

  it('rejects a string that is not JSON', () => {
    expect(reasonOf('{"type": "andon",')).toMatch(/^event: not valid JSON \(/);
    expect(reasonOf(new Uint8Array([0x7b]))).toMatch(
      /^event: not valid JSON \(/,
    );
  });

  it('checks fields against each other', () => {
    expect(reasonOf({ ...shiftCalendar, end: shiftCalendar.start })).toBe(
      'end: must be after start (2024-05-01T10:00:00+02:00), got 2024-05-01T10:00:00+02:00',
    );
    // same instant, other zone: still not after
    expect(reasonOf({ ...shiftCalendar, end: '2024-05-01T08:00:00Z' })).toMatch(
      /^end: must be after start/,
    );
    expect(reasonOf({ ...counters, good: 1190 })).toBe(
      'good, reject: good (1190) + reject (20) must not exceed total (1200)',
    );
    expect(reasonOf({ ...counters, startupReject: 21 })).toBe(
      'startupReject: must not exceed reject (20), got 21',
    );
  });
});
