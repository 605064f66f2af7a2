import type { MachineState } from '../oee/states';

/**
 * The telemetry schema version this package reads and writes. A change that
 * an older reader would reject (new field, new kind) bumps it.
 *
 * @public
 */
export const TELEMETRY_SCHEMA_VERSION = 1;

/**
 * Values of the `type` discriminator, one per event kind.
 *
 * @public
 */
export const TELEMETRY_EVENT_TYPES = [
  'machineState',
  'counters',
  'idealCycleTime',
  'shiftCalendar',
  'andon',
] as const;

/**
 * One of {@link TELEMETRY_EVENT_TYPES}.
 *
 * @public
 */
export type TelemetryEventType = (typeof TELEMETRY_EVENT_TYPES)[number];

/**
 * Kinds of shift calendar entry: a shift (planned operation time), planned
 * downtime inside it (break, planned maintenance), or explicitly no shift.
 *
 * @public
 */
export const SHIFT_CALENDAR_KINDS = [
  'Shift',
  'PlannedDowntime',
  'NoShift',
] as const;

/**
 * One of {@link SHIFT_CALENDAR_KINDS}.
 *
 * @public
 */
export type ShiftCalendarKind = (typeof SHIFT_CALENDAR_KINDS)[number];

/**
 * Andon call life cycle.
 *
 * @public
 */
export const ANDON_ACTIONS = ['raised', 'acknowledged', 'cleared'] as const;

/**
 * One of {@link ANDON_ACTIONS}.
 *
 * @public
 */
export type AndonAction = (typeof ANDON_ACTIONS)[number];

/**
 * Andon light colours (stack light / board convention of the plant).
 *
 * @public
 */
export const ANDON_COLOURS = [
  'red',
  'yellow',
  'green',
  'blue',
  'white',
] as const;

/**
 * One of {@link ANDON_COLOURS}.
 *
 * @public
 */
export type AndonColour = (typeof ANDON_COLOURS)[number];

/**
 * Fields every telemetry event carries.
 *
 * @public
 */
export interface TelemetryEnvelope {
  schemaVersion: 1;
  /** Site id (catalog Site entity name). */
  site: string;
  /** Production line id within the site. */
  line: string;
  /** Machine (work unit) id within the line. */
  machine: string;
  /** When the source observed it: ISO 8601 date-time with zone, e.g. 2024-05-01T06:00:00.000Z. */
  sourceTimestamp: string;
  /** Producer-assigned id; a repeated eventId is a duplicate. */
  eventId?: string;
}

/**
 * The machine entered `state`.
 *
 * @public
 */
export interface MachineStateEvent extends TelemetryEnvelope {
  type: 'machineState';
  state: MachineState;
  /** Why, e.g. a fault code. */
  reason?: string;
}

/**
 * Cumulative part counters of a machine, in parts since the counter's last
 * reset. Use `counterDelta` between consecutive readings.
 *
 * @public
 */
export interface CounterEvent extends TelemetryEnvelope {
  type: 'counters';
  total: number;
  good: number;
  reject: number;
  /** Start-up rejects, a subset of `reject`, when the source tells them apart. */
  startupReject?: number;
  /** Product being made, for its ideal cycle time. */
  productId?: string;
}

/**
 * The ideal cycle time of a product on this machine.
 *
 * @public
 */
export interface IdealCycleTimeEvent extends TelemetryEnvelope {
  type: 'idealCycleTime';
  productId: string;
  /** Seconds per part, > 0. */
  idealCycleTimeSeconds: number;
}

/**
 * A shift calendar entry for the machine: [start, end).
 *
 * @public
 */
export interface ShiftCalendarEvent extends TelemetryEnvelope {
  type: 'shiftCalendar';
  kind: ShiftCalendarKind;
  /** ISO 8601 date-time with zone. */
  start: string;
  /** ISO 8601 date-time with zone, after `start`. */
  end: string;
  /** Display name, e.g. "Early shift" or "Lunch break". */
  name?: string;
}

/**
 * An Andon call at a station changed.
 *
 * @public
 */
export interface AndonEvent extends TelemetryEnvelope {
  type: 'andon';
  action: AndonAction;
  reason: string;
  station: string;
  colour: AndonColour;
  /** Ties raised, acknowledged and cleared of one call together. */
  andonId?: string;
}

/**
 * Any telemetry event, discriminated by `type`.
 *
 * @public
 */
export type TelemetryEvent =
  | MachineStateEvent
  | CounterEvent
  | IdealCycleTimeEvent
  | ShiftCalendarEvent
  | AndonEvent;
