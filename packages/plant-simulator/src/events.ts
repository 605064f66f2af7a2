/**
 * Telemetry events the simulator emits: the official versioned schema of
 * plant-common (`TelemetryEvent`, schemaVersion 1), narrowed to the kinds the
 * simulator produces and always carrying an `eventId`.
 *
 * Faults are reported as `OutOfService` (OPC 40001-1 MachineryItemState has
 * no separate fault state); the schema's `Fault` is never emitted. Both count
 * as ISO 22400 ADET, so OEE is the same either way. The model has no station
 * concept, so an Andon's `station` is the machine name.
 */
import type {
  AndonEvent,
  CounterEvent,
  IdealCycleTimeEvent,
  MachineStateEvent,
  TelemetryEnvelope,
} from '@plantops/backstage-plugin-plant-common';

export type {
  AndonAction,
  AndonColour,
  AndonEvent,
  CounterEvent,
  IdealCycleTimeEvent,
  MachineState,
  MachineStateEvent,
  TelemetryEnvelope,
  TelemetryEvent,
} from '@plantops/backstage-plugin-plant-common';
export { MACHINE_STATES } from '@plantops/backstage-plugin-plant-common';

/** `${site}/${line}/${machine}/${seq}`: unique and deterministic. */
type WithEventId<E extends TelemetryEnvelope> = E & { eventId: string };

/** An event the simulator emits (a subset of `TelemetryEvent`). */
export type PlantEvent =
  | WithEventId<MachineStateEvent>
  | WithEventId<CounterEvent>
  | WithEventId<IdealCycleTimeEvent>
  | WithEventId<AndonEvent>;

export type PlantEventType = PlantEvent['type'];

/** The Kafka key: one machine's events share it, so they stay in order. */
export function machineKey(
  event: Pick<TelemetryEnvelope, 'site' | 'line' | 'machine'>,
) {
  return `${event.site}/${event.line}/${event.machine}`;
}
