import { CalendarSlot, ShiftCalendar } from './calendar';
import {
  AndonAction,
  AndonColour,
  MachineState,
  PlantEvent,
  TelemetryEnvelope,
} from './events';
import { MachineBehaviour, ProductConfig } from './model';
import { deriveSeed, Random } from './prng';

const FAULT_REASONS = [
  'jam',
  'motor overload',
  'sensor fault',
  'low air pressure',
  'emergency stop',
  'guard door open',
];

/** Stacklight colour shown for a state. */
export function stacklightColour(state: MachineState): AndonColour {
  switch (state) {
    case 'Executing':
      return 'green';
    case 'OutOfService':
    case 'Fault':
      return 'red';
    case 'PlannedDowntime':
    case 'NoShift':
      return 'blue';
    default:
      return 'yellow';
  }
}

/** The current values of one machine, with when each last changed. */
export interface MachineSnapshot {
  site: string;
  line: string;
  machine: string;
  state: MachineState;
  stateAt: Date;
  product: string;
  idealCycleTimeS: number;
  idealCycleTimeAt: Date;
  total: number;
  good: number;
  reject: number;
  countersAt: Date;
  andonActive: boolean;
  andonColour: AndonColour;
  andonAt: Date;
}

export interface MachineSimOptions {
  site: string;
  line: string;
  machine: string;
  products: ProductConfig[];
  behaviour: MachineBehaviour;
  calendar: ShiftCalendar;
  seed: number;
  startMs: number;
  countersEveryMs: number;
}

type Activity = 'run' | 'microStop' | 'setup';

interface Fault {
  untilMs: number;
  ackAtMs?: number;
  reason: string;
}

const ms = (seconds: number) => Math.max(1000, Math.round(seconds * 1000));

/**
 * One machine, simulated event by event. All times are integer epoch ms, and
 * production is computed from integer executing time, so advancing in one
 * big step or many small ones yields the same events.
 */
export class MachineSim {
  readonly site: string;
  readonly line: string;
  readonly machine: string;
  private readonly o: MachineSimOptions;
  private readonly b: MachineBehaviour;
  // Two streams: part rejects never shift the timing of state changes.
  private readonly stateRng: Random;
  private readonly partRng: Random;

  private now: number;
  private seq = 0;
  private out: PlantEvent[] = [];

  private slot: CalendarSlot;
  private activity: Activity = 'run';
  private activityLeftMs = 0;
  private fault?: Fault;
  private productIndex = 0;

  private ratePerMs = 0;
  private runExecMs = 0;
  private runParts = 0;
  private execSinceChangeoverMs: number;
  private partsSinceChangeover: number;
  private nextCountersTick: number;

  private total = 0;
  private good = 0;
  private reject = 0;
  /** Rejects made while the line starts up after a changeover (a subset of reject). */
  private startupReject = 0;
  private emitted = { total: -1, good: -1, reject: -1, startupReject: -1 };

  private state: MachineState = 'NoShift';
  private stateAt: number;
  private countersAt: number;
  private idealCycleTimeAt: number;
  private andonActive = false;
  private andonAt: number;

  constructor(options: MachineSimOptions) {
    this.o = options;
    this.b = options.behaviour;
    this.site = options.site;
    this.line = options.line;
    this.machine = options.machine;
    const label = `${options.site}/${options.line}/${options.machine}`;
    this.stateRng = new Random(deriveSeed(options.seed, `${label}#state`));
    this.partRng = new Random(deriveSeed(options.seed, `${label}#parts`));
    this.now = options.startMs;
    this.stateAt =
      this.countersAt =
      this.idealCycleTimeAt =
      this.andonAt =
        this.now;
    this.slot = options.calendar.at(this.now);
    this.nextCountersTick =
      (Math.floor(this.now / options.countersEveryMs) + 1) *
      options.countersEveryMs;
    // Machines start part-way through their changeover interval, so a
    // whole line does not change over at once.
    this.execSinceChangeoverMs = Math.floor(
      this.stateRng.float() * this.b.changeoverEveryS * 1000,
    );
    this.partsSinceChangeover = Infinity; // not in start-up at power-on
    this.startRun();

    this.emitIdealCycleTime();
    this.state = this.effectiveState();
    this.emit({ type: 'machineState', state: this.state });
    this.emitCounters(true);
  }

  get product(): ProductConfig {
    return this.o.products[this.productIndex];
  }

  /** Events produced since the last call, in time order. */
  drain(): PlantEvent[] {
    const events = this.out;
    this.out = [];
    return events;
  }

  /** Runs the machine up to `targetMs` (epoch ms). */
  advanceTo(targetMs: number): void {
    while (this.now < targetMs) {
      const timersRun = this.timersRun();
      const next = Math.min(
        this.slot.until,
        this.nextCountersTick,
        timersRun ? this.now + this.activityLeftMs : Infinity,
        this.fault ? this.fault.untilMs : Infinity,
        this.fault?.ackAtMs ?? Infinity,
      );
      if (next > targetMs) {
        this.elapse(targetMs - this.now, timersRun);
        this.now = targetMs;
        return;
      }
      this.elapse(next - this.now, timersRun);
      this.now = next;

      if (this.fault?.ackAtMs !== undefined && this.fault.ackAtMs <= this.now) {
        this.fault.ackAtMs = undefined;
        this.emitAndon('acknowledged', this.fault.reason);
      }
      if (this.fault && this.fault.untilMs <= this.now) {
        const reason = this.fault.reason;
        this.fault = undefined;
        this.andonActive = false;
        this.emitAndon('cleared', reason);
        this.startRun();
      } else if (timersRun && this.activityLeftMs <= 0) {
        this.finishActivity();
      }
      if (this.slot.until <= this.now) this.slot = this.o.calendar.at(this.now);
      if (this.nextCountersTick <= this.now) {
        this.emitCounters(false);
        this.nextCountersTick += this.o.countersEveryMs;
      }
      this.syncState();
    }
  }

  /** Starts (or extends) a fault now. */
  injectFault(durationS: number, reason = 'injected fault'): void {
    const untilMs = this.now + Math.max(1, Math.round(durationS * 1000));
    if (this.fault) {
      this.fault.untilMs = Math.max(this.fault.untilMs, untilMs);
    } else {
      // No random draw: injecting must not shift the machine's random stream.
      const ackAtMs = durationS > 30 ? this.now + 30_000 : undefined;
      this.startFault(untilMs, ackAtMs, reason);
    }
    this.syncState();
  }

  resetCounters(): void {
    this.total = this.good = this.reject = this.startupReject = 0;
    this.emitCounters(true);
  }

  snapshot(): MachineSnapshot {
    return {
      site: this.site,
      line: this.line,
      machine: this.machine,
      state: this.state,
      stateAt: new Date(this.stateAt),
      product: this.product.id,
      idealCycleTimeS: this.product.idealCycleTimeS,
      idealCycleTimeAt: new Date(this.idealCycleTimeAt),
      total: this.total,
      good: this.good,
      reject: this.reject,
      countersAt: new Date(this.countersAt),
      andonActive: this.andonActive,
      andonColour: stacklightColour(this.state),
      andonAt: new Date(this.andonAt),
    };
  }

  // Activity timers run only in production time and while not faulted;
  // a fault's own timer (repair) runs through breaks and off-shift.
  private timersRun(): boolean {
    return this.slot.mode === 'production' && !this.fault;
  }

  private effectiveState(): MachineState {
    if (this.fault) return 'OutOfService';
    if (this.slot.mode === 'noShift') return 'NoShift';
    if (this.slot.mode === 'break') return 'PlannedDowntime';
    if (this.activity === 'setup') return 'Setup';
    if (this.activity === 'microStop') return 'Idle';
    return 'Executing';
  }

  private elapse(dtMs: number, timersRun: boolean): void {
    if (!timersRun || dtMs <= 0) return;
    this.activityLeftMs -= dtMs;
    if (this.activity !== 'run') return;
    this.execSinceChangeoverMs += dtMs;
    this.runExecMs += dtMs;
    const due = Math.floor(this.runExecMs * this.ratePerMs);
    const startupParts = Math.ceil(
      this.b.startupS / this.product.idealCycleTimeS,
    );
    for (; this.runParts < due; this.runParts++) {
      this.partsSinceChangeover++;
      const startup = this.partsSinceChangeover <= startupParts;
      const p = startup ? this.b.startupRejectRate : this.b.rejectRate;
      this.total++;
      if (this.partRng.float() < p) {
        this.reject++;
        if (startup) this.startupReject++;
      } else this.good++;
    }
  }

  private startRun(): void {
    const r = this.stateRng;
    this.activity = 'run';
    this.activityLeftMs = ms(r.exponential(this.b.meanRunS));
    const performance = r.between(this.b.performance[0], this.b.performance[1]);
    this.ratePerMs = performance / (this.product.idealCycleTimeS * 1000);
    this.runExecMs = 0;
    this.runParts = 0;
  }

  private finishActivity(): void {
    const r = this.stateRng;
    if (this.activity === 'microStop') {
      this.startRun();
    } else if (this.activity === 'setup') {
      this.productIndex = (this.productIndex + 1) % this.o.products.length;
      this.execSinceChangeoverMs = 0;
      this.partsSinceChangeover = 0;
      this.emitIdealCycleTime();
      this.startRun();
    } else if (this.execSinceChangeoverMs >= this.b.changeoverEveryS * 1000) {
      this.activity = 'setup';
      this.activityLeftMs = ms(r.between(this.b.setupS[0], this.b.setupS[1]));
    } else if (r.float() < this.b.faultShare) {
      const duration = ms(r.between(this.b.faultS[0], this.b.faultS[1]));
      const ack = ms(r.between(this.b.ackS[0], this.b.ackS[1]));
      const reason = r.pick(FAULT_REASONS);
      this.startFault(
        this.now + duration,
        ack < duration ? this.now + ack : undefined,
        reason,
      );
    } else {
      this.activity = 'microStop';
      this.activityLeftMs = ms(
        r.between(this.b.microStopS[0], this.b.microStopS[1]),
      );
    }
  }

  private startFault(
    untilMs: number,
    ackAtMs: number | undefined,
    reason: string,
  ) {
    this.fault = { untilMs, ackAtMs, reason };
    this.andonActive = true;
    this.syncState(); // counters, then OutOfService, then the andon
    this.emitAndon('raised', reason);
  }

  private syncState(): void {
    const state = this.effectiveState();
    if (state === this.state) return;
    this.emitCounters(false);
    this.state = state;
    this.stateAt = this.now;
    this.emit({ type: 'machineState', state });
  }

  private emitCounters(always: boolean): void {
    const { total, good, reject, startupReject } = this;
    const e = this.emitted;
    if (!always && e.total === total && e.good === good && e.reject === reject)
      return;
    this.emitted = { total, good, reject, startupReject };
    this.countersAt = this.now;
    this.emit({ type: 'counters', total, good, reject, startupReject });
  }

  private emitIdealCycleTime(): void {
    this.idealCycleTimeAt = this.now;
    this.emit({
      type: 'idealCycleTime',
      productId: this.product.id,
      idealCycleTimeSeconds: this.product.idealCycleTimeS,
    });
  }

  private emitAndon(action: AndonAction, reason: string): void {
    this.andonAt = this.now;
    const colour: AndonColour = action === 'cleared' ? 'green' : 'red';
    // The model has no stations: the machine is the Andon station.
    this.emit({ type: 'andon', action, reason, station: this.machine, colour });
  }

  private emit(body: EventBody): void {
    this.seq++;
    this.out.push({
      schemaVersion: 1,
      site: this.site,
      line: this.line,
      machine: this.machine,
      sourceTimestamp: new Date(this.now).toISOString(),
      eventId: `${this.site}/${this.line}/${this.machine}/${this.seq}`,
      ...body,
    } as PlantEvent);
  }
}

// The per-type part of an event (what emit() adds the common fields to).
type Body<E> = E extends PlantEvent ? Omit<E, keyof TelemetryEnvelope> : never;
type EventBody = Body<PlantEvent>;
