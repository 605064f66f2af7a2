import { MACHINE_STATES } from '../oee/states';
import {
  ANDON_ACTIONS,
  ANDON_COLOURS,
  SHIFT_CALENDAR_KINDS,
  TELEMETRY_SCHEMA_VERSION,
} from './types';

/**
 * Hand-written checks for the usual shape of each event type, run before
 * the JSON Schema validator: a compiled ajv validator costs a few µs per
 * event, mostly in the date-time format, which is a large share of the
 * ingestion budget. They accept a subset of what the schema accepts (UTC
 * timestamps only, strings measured in UTF-16 units, which never exceed the
 * schema's code-point counts), so anything unusual returns false and goes
 * to ajv: they never change what is valid. `quickCheck.test.ts` holds them
 * to that against ajv.
 */

type Check = (v: unknown) => boolean;

const text =
  (min: number, max: number): Check =>
  v =>
    typeof v === 'string' && v.length >= min && v.length <= max;
const id = text(1, 200);
const count: Check = v => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const positive: Check = v => typeof v === 'number' && Number.isFinite(v) && v > 0;
const oneOf = (values: readonly string[]): Check => {
  const set = new Set<unknown>(values);
  return v => typeof v === 'string' && set.has(v);
};
const is =
  (value: unknown): Check =>
  v =>
    v === value;

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};
const two = (s: string, i: number) => {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
};

/** `YYYY-MM-DDTHH:MM:SS[.fff…]Z` naming a real date and time. */
export function isUtcTimestamp(v: unknown): boolean {
  if (typeof v !== 'string' || v.length < 20 || v.charCodeAt(v.length - 1) !== 90 /* Z */) {
    return false;
  }
  const year = two(v, 0) * 100 + two(v, 2);
  const month = two(v, 5);
  const day = two(v, 8);
  const hour = two(v, 11);
  const minute = two(v, 14);
  const second = two(v, 17);
  if (
    two(v, 0) < 0 || two(v, 2) < 0 || v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' ||
    v[13] !== ':' || v[16] !== ':' || month < 1 || month > 12 || day < 1 || hour < 0 ||
    hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59
  ) {
    return false;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month])) return false;
  if (v.length === 20) return true;
  // A fraction: a dot and at least one digit before the Z.
  if (v[19] !== '.' || v.length < 22) return false;
  for (let i = 20; i < v.length - 1; i++) if (digit(v, i) < 0) return false;
  return true;
}

const envelope: [string, Check][] = [
  ['schemaVersion', is(TELEMETRY_SCHEMA_VERSION)],
  ['site', id],
  ['line', id],
  ['machine', id],
  ['sourceTimestamp', isUtcTimestamp],
  ['eventId', id],
];
const ENVELOPE_REQUIRED = ['schemaVersion', 'type', 'site', 'line', 'machine', 'sourceTimestamp'];

interface Shape {
  checks: Map<string, Check>;
  required: string[];
}

const shape = (type: string, required: string[], fields: [string, Check][]): [string, Shape] => [
  type,
  {
    checks: new Map([...envelope, ['type', is(type)], ...fields]),
    required: [...ENVELOPE_REQUIRED, ...required],
  },
];

const SHAPES = new Map<unknown, Shape>([
  shape('counters', ['total', 'good', 'reject'], [
    ['total', count],
    ['good', count],
    ['reject', count],
    ['startupReject', count],
    ['productId', id],
  ]),
  shape('machineState', ['state'], [
    ['state', oneOf(MACHINE_STATES)],
    ['reason', text(0, 1000)],
  ]),
  shape('idealCycleTime', ['productId', 'idealCycleTimeSeconds'], [
    ['productId', id],
    ['idealCycleTimeSeconds', positive],
  ]),
  shape('andon', ['action', 'reason', 'station', 'colour'], [
    ['action', oneOf(ANDON_ACTIONS)],
    ['reason', text(1, 1000)],
    ['station', id],
    ['colour', oneOf(ANDON_COLOURS)],
    ['andonId', id],
  ]),
  shape('shiftCalendar', ['kind', 'start', 'end'], [
    ['kind', oneOf(SHIFT_CALENDAR_KINDS)],
    ['start', isUtcTimestamp],
    ['end', isUtcTimestamp],
    ['name', text(0, 200)],
  ]),
]);

/**
 * True when `value` (a JSON object) is certainly a valid event by the
 * schema; false means "ask the schema validator", not "invalid".
 */
export function surelyValidEvent(value: Record<string, unknown>): boolean {
  const s = SHAPES.get(value.type);
  if (!s) return false;
  let seen = 0;
  for (const key in value) {
    const check = s.checks.get(key);
    if (!check || !check(value[key])) return false;
    seen++;
  }
  if (seen < s.required.length) return false;
  for (const key of s.required) if (value[key] === undefined) return false;
  return true;
}
