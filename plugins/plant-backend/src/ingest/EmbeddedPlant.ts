import type { LoggerService } from '@backstage/backend-plugin-api';
import { PlantConfig, PlantSimulator } from '@plantops/plant-simulator';
import type { BatchResult, RollupWriter } from './RollupWriter';

export interface EmbeddedPlantOptions {
  speed: number;
  seed: number;
  /** The plant to simulate; undefined until its sites are known (the catalog is still loading). */
  loadPlant: () => Promise<PlantConfig | undefined>;
  tickMs?: number;
  retryMs?: number;
  /** Simulated history written at start, so the first page already has OEE. */
  backfillSeconds?: number;
  onBatch?: (partition: number, r: BatchResult) => void;
  logger: LoggerService;
}

/**
 * The demo plant, run in-process when no telemetry source is configured, so
 * `./portal start` shows a live plant for the sites in the catalog. Its
 * events go through the same validation and rollups as Kafka messages; each
 * run is its own source, so a restart on a persistent store starts a fresh
 * offset sequence.
 */
export class EmbeddedPlant {
  private timer?: NodeJS.Timeout;
  private busy = false;
  private stopped = false;
  private offset = 0;
  private readonly source = `simulator:${Date.now()}`;
  private simulator?: PlantSimulator;

  constructor(
    private readonly writer: RollupWriter,
    private readonly options: EmbeddedPlantOptions,
  ) {}

  /** Starts in the background; resolves at once. */
  start() {
    void this.waitForPlant();
  }

  /** Resolves once the plant is running (for tests). */
  async started(timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.timer) {
      if (Date.now() > deadline) throw new Error('the embedded demo plant did not start: no Site with ProductionLines found');
      await new Promise(r => setTimeout(r, 100));
    }
  }

  private async waitForPlant() {
    const { logger } = this.options;
    while (!this.stopped) {
      try {
        const plant = await this.options.loadPlant();
        if (plant && plant.sites.length > 0) {
          await this.run(plant);
          return;
        }
      } catch (e) {
        logger.warn(`Embedded demo plant: could not read the plant layout: ${e}`);
      }
      await new Promise(r => setTimeout(r, this.options.retryMs ?? 5000));
    }
  }

  private async run(plant: PlantConfig) {
    const backfill = this.options.backfillSeconds ?? 8 * 3600;
    this.simulator = new PlantSimulator({ plant, seed: this.options.seed, startTime: Date.now() - backfill * 1000 });
    await this.step(backfill);
    if (this.stopped) return;
    const tickMs = this.options.tickMs ?? 1000;
    this.timer = setInterval(() => void this.step((tickMs / 1000) * this.options.speed), tickMs);
    const lines = plant.sites.reduce((n, s) => n + s.lines.length, 0);
    this.options.logger.info(
      `Embedded demo plant running at ${this.options.speed}x: ${plant.sites.length} sites, ${lines} lines`,
    );
  }

  private async step(simSeconds: number) {
    if (this.busy || !this.simulator) return; // the embedded store serves one connection: never overlap
    this.busy = true;
    try {
      const events = this.simulator.advance(simSeconds);
      if (events.length === 0) return;
      const messages = events.map(e => ({ offset: String(this.offset++), value: JSON.stringify(e) }));
      const r = await this.writer.applyBatch(this.source, 0, messages);
      this.options.onBatch?.(0, r);
    } catch (e) {
      this.options.logger.warn(`Embedded demo plant step failed: ${e}`);
    } finally {
      this.busy = false;
    }
  }

  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
  }
}
