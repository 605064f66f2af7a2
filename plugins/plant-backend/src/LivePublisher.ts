import type { SignalsService } from '@backstage/plugin-signals-node';

/** Signals channel the plant views listen on. */
export const PLANT_TELEMETRY_CHANNEL = 'plant:telemetry';

/**
 * Tells browsers that a line has new telemetry, at most once per line per
 * interval: views refetch on it, so a busy line must not flood them.
 */
export class LivePublisher {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly signals: SignalsService,
    private readonly minIntervalMs = 2000,
    private readonly now = () => Date.now(),
  ) {}

  changed(lines: { site: string; line: string }[]) {
    const now = this.now();
    for (const { site, line } of lines) {
      const key = `${site}/${line}`;
      if (now - (this.last.get(key) ?? -Infinity) < this.minIntervalMs) continue;
      this.last.set(key, now);
      void this.signals.publish({
        recipients: { type: 'broadcast' },
        channel: PLANT_TELEMETRY_CHANNEL,
        message: { site, line, at: new Date(now).toISOString() },
      });
    }
  }
}
