import { PlantEvent } from './events';
import { PlantSimulator } from './simulator';

export interface SimulationClockOptions {
  /** Simulated seconds per real second: 1 = real time, 60 = a minute per second. */
  speed?: number;
  /** Real milliseconds between steps. */
  tickMs?: number;
  /** Receives each step's events (possibly none). */
  onStep: (events: PlantEvent[]) => void;
}

/**
 * Drives a simulator from the wall clock. Simulated time is derived from the
 * real time elapsed since the last speed change, so late timers never make
 * the simulation drift.
 */
export class SimulationClock {
  private speed: number;
  private readonly tickMs: number;
  private timer?: NodeJS.Timeout;
  private realBase = 0;
  private simBase = 0;

  constructor(
    private readonly sim: PlantSimulator,
    private readonly options: SimulationClockOptions,
  ) {
    this.speed = checkSpeed(options.speed ?? 1);
    this.tickMs = options.tickMs ?? 1000;
    if (!(this.tickMs > 0)) throw new Error('tickMs must be > 0');
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  get speedFactor(): number {
    return this.speed;
  }

  start(): void {
    if (this.timer) return;
    this.rebase();
    this.timer = setInterval(() => this.step(), this.tickMs);
    this.timer.unref(); // the OPC UA server, not the clock, keeps a process alive
  }

  stop(): void {
    if (!this.timer) return;
    this.step();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  setSpeed(factor: number): void {
    checkSpeed(factor);
    if (this.timer) this.step(); // settle the time run at the old speed
    this.speed = factor;
    this.rebase();
  }

  /** Advances the simulation to match the wall clock now. */
  step(): void {
    const realMs = performance.now() - this.realBase;
    const targetMs = this.simBase + Math.floor(realMs * this.speed);
    const dueMs = targetMs - this.sim.now.getTime();
    this.options.onStep(this.sim.advance(Math.max(0, dueMs) / 1000));
  }

  private rebase(): void {
    this.realBase = performance.now();
    this.simBase = this.sim.now.getTime();
  }
}

function checkSpeed(factor: number): number {
  if (!(factor > 0) || !Number.isFinite(factor)) {
    throw new Error(`speed factor must be a positive number, got ${factor}`);
  }
  return factor;
}
