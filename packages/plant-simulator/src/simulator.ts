import { ShiftCalendar } from './calendar';
import { PlantEvent } from './events';
import { MachineSim, MachineSnapshot } from './machine';
import {
  DEFAULT_BEHAVIOUR,
  defaultPlant,
  PlantConfig,
  validatePlant,
} from './model';

export interface PlantSimulatorOptions {
  /** The plant; defaults to the built-in demo plant. */
  plant?: PlantConfig;
  /** PRNG seed; same seed + plant + start time + steps => same events. */
  seed?: number;
  /** Simulated start time; defaults to now (pass one for reproducible runs). */
  startTime?: Date | string | number;
  /** How often changed counters are published, in simulated seconds. */
  countersEveryS?: number;
}

/**
 * The whole plant, stepped explicitly: no timers, no I/O. advance() returns
 * what happened, each event stamped with its simulated time.
 */
export class PlantSimulator {
  readonly plant: PlantConfig;
  readonly seed: number;
  private readonly machines: MachineSim[] = [];
  private readonly byKey = new Map<string, MachineSim>();
  private nowMs: number;

  constructor(options: PlantSimulatorOptions = {}) {
    this.plant = options.plant ?? defaultPlant();
    validatePlant(this.plant);
    this.seed = options.seed ?? 1;
    const start = new Date(options.startTime ?? Date.now()).getTime();
    if (Number.isNaN(start)) {
      throw new Error(`startTime "${options.startTime}" is not a valid date`);
    }
    this.nowMs = start;
    const countersEveryS = options.countersEveryS ?? 10;
    if (!(countersEveryS > 0)) throw new Error('countersEveryS must be > 0');

    for (const site of this.plant.sites) {
      const calendar = new ShiftCalendar(site.calendar);
      for (const line of site.lines) {
        for (const m of line.machines) {
          const sim = new MachineSim({
            site: site.name,
            line: line.name,
            machine: m.name,
            products: m.products,
            behaviour: { ...DEFAULT_BEHAVIOUR, ...m.behaviour },
            calendar,
            seed: this.seed,
            startMs: start,
            countersEveryMs: Math.round(countersEveryS * 1000),
          });
          this.machines.push(sim);
          this.byKey.set(`${site.name}/${line.name}/${m.name}`, sim);
        }
      }
    }
  }

  /** Current simulated time. */
  get now(): Date {
    return new Date(this.nowMs);
  }

  /**
   * Moves simulated time forward and returns the events that happened,
   * including those of commands (faults, resets) since the last call, in
   * time order. advance(0) returns just the pending ones; the first call
   * also returns every machine's initial state, cycle time and counters.
   */
  advance(simSeconds: number): PlantEvent[] {
    if (!(simSeconds >= 0)) throw new Error('advance: simSeconds must be >= 0');
    const target = this.nowMs + Math.round(simSeconds * 1000);
    const tagged: Array<{ t: number; m: number; i: number; e: PlantEvent }> =
      [];
    this.machines.forEach((sim, m) => {
      sim.advanceTo(target);
      sim.drain().forEach((e, i) => {
        tagged.push({ t: Date.parse(e.sourceTimestamp), m, i, e });
      });
    });
    this.nowMs = target;
    tagged.sort((a, b) => a.t - b.t || a.m - b.m || a.i - b.i);
    return tagged.map(x => x.e);
  }

  /** Puts a machine OutOfService for `durationS` from now, raising an Andon. */
  injectFault(
    site: string,
    line: string,
    machine: string,
    durationS: number,
    reason?: string,
  ): void {
    if (!(durationS > 0)) throw new Error('injectFault: durationS must be > 0');
    this.get(site, line, machine).injectFault(durationS, reason);
  }

  /**
   * Zeroes the cumulative counters of every machine matching the given
   * names (all machines when none given), as a PLC counter reset would.
   */
  resetCounters(site?: string, line?: string, machine?: string): void {
    const matches = this.machines.filter(
      m =>
        (site === undefined || m.site === site) &&
        (line === undefined || m.line === line) &&
        (machine === undefined || m.machine === machine),
    );
    if (matches.length === 0) {
      throw new Error(
        `resetCounters: no machine matches ${[site, line, machine]
          .filter(Boolean)
          .join('/')}`,
      );
    }
    matches.forEach(m => m.resetCounters());
  }

  snapshot(): MachineSnapshot[] {
    return this.machines.map(m => m.snapshot());
  }

  machine(site: string, line: string, machine: string): MachineSnapshot {
    return this.get(site, line, machine).snapshot();
  }

  private get(site: string, line: string, machine: string): MachineSim {
    const sim = this.byKey.get(`${site}/${line}/${machine}`);
    if (!sim) {
      throw new Error(
        `unknown machine "${site}/${line}/${machine}"; known: ${[
          ...this.byKey.keys(),
        ].join(', ')}`,
      );
    }
    return sim;
  }
}
