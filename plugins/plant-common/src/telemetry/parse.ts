import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { telemetryEventSchema } from './schema';
import { surelyValidEvent } from './quickCheck';
import {
  TELEMETRY_EVENT_TYPES,
  TELEMETRY_SCHEMA_VERSION,
  TelemetryEvent,
} from './types';

/**
 * Result of {@link parseTelemetryEvent}: the event, or a reason that names
 * each bad field and how to fix it ("machine: required string missing").
 *
 * @public
 */
export type ParseTelemetryResult =
  | { ok: true; event: TelemetryEvent }
  | { ok: false; reason: string };

let fastValidator: ValidateFunction | undefined;
let explainingValidator: ValidateFunction | undefined;

// Compiled on first use, once per process (or page). The fast one stops at
// the first error and is what every event goes through; the explaining one
// collects every error and only runs for an event already rejected.
function validate(explain: boolean): ValidateFunction {
  const compile = () => {
    const ajv = new Ajv({
      allErrors: explain,
      discriminator: true,
      verbose: explain,
      strict: true,
    });
    addFormats(ajv, ['date-time']);
    return ajv.compile(telemetryEventSchema);
  };
  if (explain) return (explainingValidator ??= compile());
  return (fastValidator ??= compile());
}

/**
 * Validates one telemetry event against {@link telemetryEventSchema}
 * (schemaVersion 1) and a few cross-field rules (end after start, good +
 * reject within total, startupReject within reject). Takes a parsed value,
 * a JSON string, or UTF-8 bytes (e.g. a Kafka message value). Never throws.
 *
 * @public
 */
export function parseTelemetryEvent(raw: unknown): ParseTelemetryResult {
  let value = raw;
  // isView, not instanceof: Buffers from another realm (Jest, workers) fail instanceof
  if (ArrayBuffer.isView(raw)) {
    value = new TextDecoder().decode(raw);
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      return fail(`event: not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`event: must be a JSON object, got ${kindOf(value)}`);
  }

  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version !== undefined && version !== TELEMETRY_SCHEMA_VERSION) {
    const kind = typeof version === 'number' ? '' : ` (${kindOf(version)})`;
    return fail(
      `schemaVersion: unsupported version ${show(version)}${kind}; ` +
        `this reader accepts the integer ${TELEMETRY_SCHEMA_VERSION}`,
    );
  }

  // The usual shapes pass a hand-written check; ajv decides the rest.
  if (
    !surelyValidEvent(value as Record<string, unknown>) &&
    !validate(false)(value)
  ) {
    const explain = validate(true);
    explain(value);
    return fail(describeErrors(explain.errors ?? []));
  }
  const event = value as TelemetryEvent;
  const problems = crossFieldProblems(event);
  if (problems.length > 0) return fail(problems.join('; '));
  return { ok: true, event };
}

function fail(reason: string): ParseTelemetryResult {
  return { ok: false, reason };
}

// JSON.stringify throws on BigInt and cycles; a reason must always come out.
function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const NO_PROBLEMS: string[] = [];

function crossFieldProblems(event: TelemetryEvent): string[] {
  // The common case without allocating: a valid instant, counters that add up.
  if (
    event.type !== 'shiftCalendar' &&
    !Number.isNaN(Date.parse(event.sourceTimestamp)) &&
    (event.type !== 'counters' ||
      (event.good + event.reject <= event.total &&
        (event.startupReject === undefined ||
          event.startupReject <= event.reject)))
  ) {
    return NO_PROBLEMS;
  }
  const problems: string[] = [];
  const timestamps: [string, string][] = [
    ['sourceTimestamp', event.sourceTimestamp],
  ];
  if (event.type === 'shiftCalendar') {
    timestamps.push(['start', event.start], ['end', event.end]);
  }
  for (const [field, text] of timestamps) {
    if (Number.isNaN(Date.parse(text))) {
      problems.push(`${field}: ${JSON.stringify(text)} is not a valid instant`);
    }
  }
  if (
    event.type === 'shiftCalendar' &&
    !(Date.parse(event.end) > Date.parse(event.start)) &&
    !problems.some(p => p.startsWith('start:') || p.startsWith('end:'))
  ) {
    problems.push(
      `end: must be after start (${event.start}), got ${event.end}`,
    );
  }
  if (event.type === 'counters') {
    if (event.good + event.reject > event.total) {
      problems.push(
        `good, reject: good (${event.good}) + reject (${event.reject}) must not exceed total (${event.total})`,
      );
    }
    if (
      event.startupReject !== undefined &&
      event.startupReject > event.reject
    ) {
      problems.push(
        `startupReject: must not exceed reject (${event.reject}), got ${event.startupReject}`,
      );
    }
  }
  return problems;
}

/** One line per field, first error of each field only. */
function describeErrors(errors: ErrorObject[]): string {
  const byField = new Map<string, string>();
  for (const error of errors) {
    const [field, message] = describeError(error);
    if (!byField.has(field)) byField.set(field, `${field}: ${message}`);
  }
  return [...byField.values()].join('; ');
}

function fieldName(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (child !== undefined) parts.push(child);
  return parts.length ? parts.join('.') : 'event';
}

/** What the schema wants, e.g. "string (one of a, b)". */
function expected(schema: any): string {
  if (!schema) return 'value';
  if (schema.const !== undefined) {
    return `${schema.type} ${JSON.stringify(schema.const)}`;
  }
  if (schema.enum) return `${schema.type} (one of ${schema.enum.join(', ')})`;
  if (schema.format === 'date-time') {
    return 'string (ISO 8601 date-time with zone)';
  }
  return schema.type ?? 'value';
}

// "machine: required string missing", with the allowed values when known.
function requiredMessage(schema: any): string {
  if (schema?.const !== undefined) {
    return `required ${schema.type} missing; set it to ${JSON.stringify(
      schema.const,
    )}`;
  }
  if (schema?.enum) {
    return `required ${schema.type} missing; one of ${schema.enum.join(', ')}`;
  }
  return `required ${expected(schema)} missing`;
}

function describeError(error: ErrorObject): [string, string] {
  const params = error.params as Record<string, any>;
  const schema = error.parentSchema as any;
  const field = fieldName(error.instancePath);
  const got = show(error.data);
  switch (error.keyword) {
    case 'required': {
      const missing = params.missingProperty as string;
      return [
        fieldName(error.instancePath, missing),
        requiredMessage(schema?.properties?.[missing]),
      ];
    }
    case 'discriminator':
      if (params.error === 'mapping') {
        return [
          'type',
          `unknown event type ${JSON.stringify(
            params.tagValue,
          )}; expected one of ${TELEMETRY_EVENT_TYPES.join(', ')}`,
        ];
      }
      return [
        'type',
        `must be a string, one of ${TELEMETRY_EVENT_TYPES.join(', ')}`,
      ];
    case 'additionalProperties':
      return [
        fieldName(error.instancePath, params.additionalProperty),
        `unknown field; remove it (allowed: ${Object.keys(
          schema?.properties ?? {},
        ).join(', ')})`,
      ];
    case 'type':
      return [
        field,
        `must be ${expected(schema)}, got ${kindOf(error.data)} ${got}`,
      ];
    case 'format':
    case 'pattern':
      return [
        field,
        `must be an ISO 8601 date-time with zone, e.g. 2024-05-01T06:00:00.000Z, got ${got}`,
      ];
    case 'enum':
      return [field, `must be one of ${schema.enum.join(', ')}, got ${got}`];
    case 'const':
      return [field, `must be ${JSON.stringify(schema.const)}, got ${got}`];
    case 'minLength':
      return [
        field,
        params.limit === 1
          ? 'must not be empty'
          : `must have at least ${params.limit} characters`,
      ];
    case 'maxLength':
      return [
        field,
        `must have at most ${params.limit} characters, got ${
          String(error.data).length
        }`,
      ];
    case 'minimum':
      return [field, `must be >= ${params.limit}, got ${got}`];
    case 'exclusiveMinimum':
      return [field, `must be > ${params.limit}, got ${got}`];
    default:
      return [field, `${error.message ?? 'is invalid'}, got ${got}`];
  }
}
