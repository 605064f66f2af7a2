import type { LoggerService } from '@backstage/backend-plugin-api';

/**
 * Asks the scheduler for one discovery run soon after a burst of requests
 * (processors see many entities at once). The short wait lets the entity
 * that asked be stitched, so the run finds it in the catalog. A run already
 * under way (here or on another replica) may have started before the entity
 * appeared, so the request is repeated until the scheduler takes it.
 */
export class RunRequests {
  private timer?: NodeJS.Timeout;
  private readonly reasons = new Set<string>();
  private attempts = 0;

  constructor(
    private readonly options: {
      trigger: () => Promise<void>;
      logger: LoggerService;
      delayMs?: number;
      maxAttempts?: number;
    },
  ) {}

  request(reason: string) {
    this.reasons.add(reason);
    if (!this.timer) this.arm();
  }

  /** Stops a pending request (backend shutdown). */
  cancel() {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.reasons.clear();
  }

  private arm() {
    this.timer = setTimeout(() => void this.fire(), this.options.delayMs ?? 5_000);
    this.timer.unref?.();
  }

  private async fire() {
    const reasons = [...this.reasons];
    try {
      await this.options.trigger();
      this.options.logger.info(
        `Kubernetes discovery: run requested because ${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? ` (+${reasons.length - 3} more)` : ''}`,
      );
      for (const r of reasons) this.reasons.delete(r);
      this.attempts = 0;
      this.timer = undefined;
      // Asked for while the trigger was on its way: the run may not see it.
      if (this.reasons.size) this.arm();
    } catch (error) {
      const e = error as Error;
      this.attempts += 1;
      if (e.name === 'ConflictError' && this.attempts < (this.options.maxAttempts ?? 120)) {
        this.arm(); // running: ask again once it is done
        return;
      }
      this.options.logger.warn(`Kubernetes discovery: could not request a run: ${e.message}`);
      this.reasons.clear();
      this.attempts = 0;
      this.timer = undefined;
    }
  }
}
