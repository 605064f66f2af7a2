import type { SchemaObject } from 'ajv';
import { MACHINE_STATES } from '../oee/states';
import {
  ANDON_ACTIONS,
  ANDON_COLOURS,
  SHIFT_CALENDAR_KINDS,
  TELEMETRY_EVENT_TYPES,
  TELEMETRY_SCHEMA_VERSION,
} from './types';

// "date-time" alone also takes a space for the T and offsets like +0100;
// the pattern keeps to what Date.parse reads the same everywhere.
const timestamp = {
  type: 'string',
  format: 'date-time',
  pattern:
    '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
  description: 'ISO 8601 date-time with zone, e.g. 2024-05-01T06:00:00.000Z',
};

const id = (description: string) => ({
  type: 'string',
  minLength: 1,
  maxLength: 200,
  description,
});

const count = (description: string) => ({
  type: 'integer',
  minimum: 0,
  description,
});

const envelopeProperties = {
  schemaVersion: { type: 'integer', const: TELEMETRY_SCHEMA_VERSION },
  site: id('site id'),
  line: id('production line id'),
  machine: id('machine id'),
  sourceTimestamp: timestamp,
  eventId: id('producer-assigned id for de-duplication'),
};

const envelopeRequired = [
  'schemaVersion',
  'type',
  'site',
  'line',
  'machine',
  'sourceTimestamp',
];

// Unknown fields are rejected so a typo fails loudly; new fields come with a
// new schemaVersion.
function eventSchema(
  type: string,
  required: string[],
  properties: Record<string, object>,
): SchemaObject {
  return {
    type: 'object',
    additionalProperties: false,
    required: [...envelopeRequired, ...required],
    properties: {
      ...envelopeProperties,
      type: { type: 'string', const: type },
      ...properties,
    },
  };
}

/**
 * JSON Schema (draft-07) of a machine state change event.
 *
 * @public
 */
export const machineStateEventSchema: SchemaObject = eventSchema(
  'machineState',
  ['state'],
  {
    state: { type: 'string', enum: [...MACHINE_STATES] },
    reason: { type: 'string', maxLength: 1000 },
  },
);

/**
 * JSON Schema (draft-07) of a cumulative counters event (parts).
 *
 * @public
 */
export const counterEventSchema: SchemaObject = eventSchema(
  'counters',
  ['total', 'good', 'reject'],
  {
    total: count('cumulative parts produced'),
    good: count('cumulative good parts'),
    reject: count('cumulative rejected parts'),
    startupReject: count('cumulative start-up rejects, a subset of reject'),
    productId: id('product being made'),
  },
);

/**
 * JSON Schema (draft-07) of an ideal cycle time event (seconds per part).
 *
 * @public
 */
export const idealCycleTimeEventSchema: SchemaObject = eventSchema(
  'idealCycleTime',
  ['productId', 'idealCycleTimeSeconds'],
  {
    productId: id('product id'),
    idealCycleTimeSeconds: { type: 'number', exclusiveMinimum: 0 },
  },
);

/**
 * JSON Schema (draft-07) of a shift calendar / planned downtime event.
 *
 * @public
 */
export const shiftCalendarEventSchema: SchemaObject = eventSchema(
  'shiftCalendar',
  ['kind', 'start', 'end'],
  {
    kind: { type: 'string', enum: [...SHIFT_CALENDAR_KINDS] },
    start: timestamp,
    end: timestamp,
    name: { type: 'string', maxLength: 200 },
  },
);

/**
 * JSON Schema (draft-07) of an Andon event.
 *
 * @public
 */
export const andonEventSchema: SchemaObject = eventSchema(
  'andon',
  ['action', 'reason', 'station', 'colour'],
  {
    action: { type: 'string', enum: [...ANDON_ACTIONS] },
    reason: { type: 'string', minLength: 1, maxLength: 1000 },
    station: id('station id'),
    colour: { type: 'string', enum: [...ANDON_COLOURS] },
    andonId: id('id of the Andon call'),
  },
);

/**
 * JSON Schema (draft-07) of any telemetry event, version 1. `discriminator`
 * (OpenAPI keyword, ajv option `discriminator: true`) picks the branch by
 * `type`; plain draft-07 validators ignore it and still get the `oneOf`.
 *
 * @public
 */
export const telemetryEventSchema: SchemaObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://plantops.io/schemas/telemetry-event/v1.json',
  title: 'Plantops telemetry event',
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', enum: [...TELEMETRY_EVENT_TYPES] } },
  discriminator: { propertyName: 'type' },
  oneOf: [
    machineStateEventSchema,
    counterEventSchema,
    idealCycleTimeEventSchema,
    shiftCalendarEventSchema,
    andonEventSchema,
  ],
};
