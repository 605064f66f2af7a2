import { MachineState, isMachineState } from './states';

/**
 * ISO 22400-2 time elements of one work unit (or a sum of several), all in
 * seconds. Every second of the calendar window is in exactly one field:
 *
 * - calendar time = the sum of all fields
 * - POT, planned operation time (shift time) = calendar − `noShiftTime` − `unknownTime`
 * - PBT, planned busy time = POT − `plannedDowntime`
 *   = `setupTime` + `faultTime` + `idleTime` + `microStopTime` + `executingTime`
 * - APT, actual production time (run time) = `executingTime` + `microStopTime`
 *
 * Micro-stops sit inside APT on purpose: short stops are a performance loss
 * (Nakajima's "idling and minor stops"), long stops an availability loss.
 * ISO 22400-2 counts minor stoppages in ADET instead; with the threshold at 0
 * this model gives the ISO split.
 *
 * @public
 */
export interface TimeElements {
  /** NoShift: no shift planned. Outside POT. */
  noShiftTime: number;
  /** PDOT: PlannedDowntime (breaks, planned maintenance). Inside POT, outside PBT. */
  plannedDowntime: number;
  /** AUST: Setup (changeover). Availability loss. */
  setupTime: number;
  /** ADET: OutOfService / Fault stops at least as long as the micro-stop threshold. Availability loss. */
  faultTime: number;
  /** ADOT: Idle / NotExecuting stops at least as long as the micro-stop threshold. Availability loss. */
  idleTime: number;
  /** Stops (fault or idle) shorter than the micro-stop threshold. Part of APT; performance loss. */
  microStopTime: number;
  /** Executing: producing. Part of APT. */
  executingTime: number;
  /** Time inside the window that no interval covers. Counts in calendar time only. */
  unknownTime: number;
}

/**
 * All-zero {@link TimeElements}: the identity for sums.
 *
 * @public
 */
export const ZERO_TIME_ELEMENTS: Readonly<TimeElements> = Object.freeze({
  noShiftTime: 0,
  plannedDowntime: 0,
  setupTime: 0,
  faultTime: 0,
  idleTime: 0,
  microStopTime: 0,
  executingTime: 0,
  unknownTime: 0,
});

/**
 * The field names of {@link TimeElements}, in a fixed order.
 *
 * @public
 */
export const TIME_ELEMENT_KEYS: readonly (keyof TimeElements)[] = Object.keys(
  ZERO_TIME_ELEMENTS,
) as (keyof TimeElements)[];

/**
 * Calendar time in seconds: the sum of every field of `t`.
 *
 * @public
 */
export function calendarTime(t: TimeElements): number {
  return t.noShiftTime + t.unknownTime + plannedOperationTime(t);
}

/**
 * POT, planned operation time, in seconds: calendar time − no-shift − unknown
 * = planned downtime + PBT.
 *
 * @public
 */
export function plannedOperationTime(t: TimeElements): number {
  return t.plannedDowntime + plannedBusyTime(t);
}

/**
 * PBT, planned busy time, in seconds: POT − planned downtime
 * = setup + fault + idle + micro-stops + executing.
 *
 * @public
 */
export function plannedBusyTime(t: TimeElements): number {
  return t.setupTime + t.faultTime + t.idleTime + actualProductionTime(t);
}

/**
 * APT, actual production time (run time), in seconds: executing + micro-stops.
 *
 * @public
 */
export function actualProductionTime(t: TimeElements): number {
  return t.executingTime + t.microStopTime;
}

/**
 * Field-wise sum of time elements, in seconds.
 *
 * @public
 */
export function sumTimeElements(list: readonly TimeElements[]): TimeElements {
  const sum: TimeElements = { ...ZERO_TIME_ELEMENTS };
  for (const t of list) {
    for (const key of TIME_ELEMENT_KEYS) sum[key] += t[key];
  }
  return sum;
}

/**
 * One machine state over the half-open span [start, end), in epoch
 * milliseconds.
 *
 * @public
 */
export interface StateInterval {
  state: MachineState;
  start: number;
  end: number;
}

/**
 * Options of {@link timeElementsFromIntervals}.
 *
 * @public
 */
export interface TimeElementsOptions {
  /**
   * A stop shorter than this many seconds is a micro-stop (performance loss);
   * one at least this long is an availability loss. Default 120; 0 turns
   * micro-stops off.
   */
  microStopThresholdSeconds?: number;
  /**
   * Count only time inside [start, end) (epoch ms), e.g. one shift or day.
   * Default: from the earliest start to the latest end.
   */
  window?: { start: number; end: number };
}

/**
 * Default micro-stop threshold: 120 seconds.
 *
 * @public
 */
export const DEFAULT_MICRO_STOP_THRESHOLD_SECONDS = 120;

type Category =
  | 'noShift'
  | 'plannedDowntime'
  | 'fault'
  | 'setup'
  | 'idle'
  | 'executing';

// Highest precedence first: where intervals overlap, the first category
// present wins. The shift calendar outranks the machine (time outside the
// plan is never charged to the machine), and a fault outranks a claim that
// the machine was producing, so overlaps never flatter availability.
const PRECEDENCE: readonly Category[] = [
  'noShift',
  'plannedDowntime',
  'fault',
  'setup',
  'idle',
  'executing',
];

const CATEGORY_OF: Record<MachineState, Category> = {
  NoShift: 'noShift',
  PlannedDowntime: 'plannedDowntime',
  OutOfService: 'fault',
  Fault: 'fault',
  Setup: 'setup',
  Idle: 'idle',
  NotExecuting: 'idle',
  Executing: 'executing',
};

const FIELD_OF: Record<Category, keyof TimeElements> = {
  noShift: 'noShiftTime',
  plannedDowntime: 'plannedDowntime',
  fault: 'faultTime',
  setup: 'setupTime',
  idle: 'idleTime',
  executing: 'executingTime',
};

const GAP = -1;

interface Segment {
  start: number;
  end: number;
  /** index into PRECEDENCE, or GAP */
  rank: number;
  micro: boolean;
}

/**
 * Turns the state intervals of one machine into {@link TimeElements}
 * (seconds).
 *
 * - Order does not matter: intervals are swept in time order.
 * - Overlaps and duplicates: at each instant the state with the highest
 *   precedence among the intervals covering it counts, once. Precedence:
 *   NoShift, PlannedDowntime, OutOfService/Fault, Setup, Idle/NotExecuting,
 *   Executing. So duplicates count once and a shift calendar can simply be
 *   laid over the machine's own states.
 * - A stop is a maximal unbroken run of Idle/NotExecuting/OutOfService/Fault
 *   time. A stop shorter than the threshold is all micro-stop time; a longer
 *   one splits into fault time and idle time. Stops are measured over all
 *   intervals before the window clips them, so a stop across a shift
 *   boundary is not split into two micro-stops.
 * - Zero-length intervals are ignored; time the intervals do not cover is
 *   `unknownTime`.
 *
 * @throws RangeError for an unknown state, a non-finite time, end before
 *   start, or a bad option.
 * @public
 */
export function timeElementsFromIntervals(
  intervals: readonly StateInterval[],
  options: TimeElementsOptions = {},
): TimeElements {
  const thresholdMs = thresholdMsOf(options);
  const segments = resolveSegments(intervals);
  markMicroStops(segments, thresholdMs);

  const first = segments.length ? segments[0].start : 0;
  const last = segments.length ? segments[segments.length - 1].end : 0;
  const window = options.window ?? { start: first, end: last };
  if (
    !Number.isFinite(window.start) ||
    !Number.isFinite(window.end) ||
    window.end < window.start
  ) {
    throw new RangeError(
      `window: start and end must be finite epoch milliseconds with end >= start, got ${window.start}..${window.end}`,
    );
  }

  const ms: TimeElements = { ...ZERO_TIME_ELEMENTS };
  if (segments.length === 0) {
    ms.unknownTime = window.end - window.start;
  } else {
    ms.unknownTime =
      overlap(window.start, first, window) + overlap(last, window.end, window);
  }
  for (const s of segments) {
    ms[fieldOf(s)] += overlap(s.start, s.end, window);
  }

  const seconds: TimeElements = { ...ZERO_TIME_ELEMENTS };
  for (const key of TIME_ELEMENT_KEYS) seconds[key] = ms[key] / 1000;
  return seconds;
}

function fieldOf(segment: Segment): keyof TimeElements {
  if (segment.rank === GAP) return 'unknownTime';
  if (segment.micro) return 'microStopTime';
  return FIELD_OF[PRECEDENCE[segment.rank]];
}

function thresholdMsOf(options: TimeElementsOptions): number {
  const seconds =
    options.microStopThresholdSeconds ?? DEFAULT_MICRO_STOP_THRESHOLD_SECONDS;
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(
      `microStopThresholdSeconds: must be a finite number >= 0, got ${seconds}`,
    );
  }
  return seconds * 1000;
}

function overlap(
  start: number,
  end: number,
  window: { start: number; end: number },
): number {
  return Math.max(0, Math.min(end, window.end) - Math.max(start, window.start));
}

/** Sweeps the intervals into contiguous segments, one category (or GAP) each. */
function resolveSegments(intervals: readonly StateInterval[]): Segment[] {
  const deltas = new Map<number, number[]>();
  const bump = (time: number, rank: number, by: number) => {
    let row = deltas.get(time);
    if (!row) {
      row = new Array(PRECEDENCE.length).fill(0);
      deltas.set(time, row);
    }
    row[rank] += by;
  };
  intervals.forEach((interval, i) => {
    checkInterval(interval, i);
    if (interval.end === interval.start) return;
    const rank = PRECEDENCE.indexOf(CATEGORY_OF[interval.state]);
    bump(interval.start, rank, 1);
    bump(interval.end, rank, -1);
  });

  const times = [...deltas.keys()].sort((a, b) => a - b);
  const active = new Array(PRECEDENCE.length).fill(0);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < times.length; i++) {
    deltas.get(times[i])!.forEach((by, rank) => (active[rank] += by));
    const found = active.findIndex(count => count > 0);
    const rank = found === -1 ? GAP : found;
    const previous = segments[segments.length - 1];
    if (previous && previous.rank === rank) {
      previous.end = times[i + 1];
    } else {
      segments.push({ start: times[i], end: times[i + 1], rank, micro: false });
    }
  }
  return segments;
}

function checkInterval(interval: StateInterval, i: number): void {
  if (!isMachineState(interval?.state)) {
    throw new RangeError(
      `intervals[${i}].state: unknown machine state ${JSON.stringify(
        interval?.state,
      )}`,
    );
  }
  if (!Number.isFinite(interval.start) || !Number.isFinite(interval.end)) {
    throw new RangeError(
      `intervals[${i}]: start and end must be finite epoch milliseconds`,
    );
  }
  if (interval.end < interval.start) {
    throw new RangeError(
      `intervals[${i}]: end (${interval.end}) is before start (${interval.start})`,
    );
  }
}

const STOP_RANKS = new Set([
  PRECEDENCE.indexOf('fault'),
  PRECEDENCE.indexOf('idle'),
]);

function markMicroStops(segments: Segment[], thresholdMs: number): void {
  let i = 0;
  while (i < segments.length) {
    if (!STOP_RANKS.has(segments[i].rank)) {
      i++;
      continue;
    }
    let j = i;
    while (j < segments.length && STOP_RANKS.has(segments[j].rank)) j++;
    const length = segments[j - 1].end - segments[i].start;
    if (length < thresholdMs) {
      for (let k = i; k < j; k++) segments[k].micro = true;
    }
    i = j;
  }
}
