/**
 * Machine states, after OPC 40001-1 (MachineryItemState, used by OPC 40501
 * machine tools) and the ISO 22400-2 time elements they feed.
 *
 * | state | time element |
 * | --- | --- |
 * | `Executing` | APT, actual production time |
 * | `Idle`, `NotExecuting` | ADOT, actual unit down time (available, not producing) |
 * | `OutOfService`, `Fault` | ADET, actual unit delay time (unplanned, malfunction) |
 * | `Setup` | AUST, actual unit setup time (changeover) |
 * | `PlannedDowntime` | PDOT, planned down time (breaks, planned maintenance) |
 * | `NoShift` | outside planned operation time (no shift scheduled) |
 *
 * @public
 */
export const MACHINE_STATES = [
  'Executing',
  'Idle',
  'NotExecuting',
  'OutOfService',
  'Fault',
  'Setup',
  'PlannedDowntime',
  'NoShift',
] as const;

/**
 * One of {@link MACHINE_STATES}.
 *
 * @public
 */
export type MachineState = (typeof MACHINE_STATES)[number];

/**
 * True when `value` is one of {@link MACHINE_STATES}.
 *
 * @public
 */
export function isMachineState(value: unknown): value is MachineState {
  return (
    typeof value === 'string' &&
    (MACHINE_STATES as readonly string[]).includes(value)
  );
}
