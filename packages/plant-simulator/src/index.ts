/**
 * The Plantops demo plant: a deterministic simulation of sites, lines and
 * machines, served over OPC UA and produced to Kafka.
 *
 * @packageDocumentation
 */

export * from './events';
export * from './model';
export { ShiftCalendar } from './calendar';
export type { CalendarSlot } from './calendar';
export { mulberry32 } from './prng';
export { stacklightColour } from './machine';
export type { MachineSnapshot } from './machine';
export { PlantSimulator } from './simulator';
export type { PlantSimulatorOptions } from './simulator';
export { SimulationClock } from './clock';
export type { SimulationClockOptions } from './clock';
export {
  PlantOpcUaServer,
  PLANT_NAMESPACE_INDEX,
  MACHINE_VARIABLES,
  machineNodeId,
} from './opcuaServer';
export type {
  PlantOpcUaServerOptions,
  SecurityModeName,
  MachineVariable,
} from './opcuaServer';
export {
  produceEvents,
  toKafkaMessages,
  KafkaEventSink,
  DEFAULT_TELEMETRY_TOPIC,
} from './kafka';
export type { KafkaSinkOptions } from './kafka';
export { main, parseCliArgs } from './cli';
export type { CliOptions, CliSession } from './cli';
