import { Counter, Gauge, Registry } from 'prom-client';
import type { BatchResult } from './ingest/RollupWriter';
import type { OeeQueries } from './oee/OeeQueries';

/**
 * The MS5.0 guide's metrics, computed by the portal: OEE per line over the
 * current shift, Andon triggers, ingestion rate, dead letters.
 */
export function createMetrics(queries: OeeQueries, shiftWindow: () => { from: Date; to: Date }) {
  const registry = new Registry();
  const events = new Counter({
    name: 'plant_ingested_events_total',
    help: 'Telemetry events by outcome',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const andon = new Counter({
    name: 'ms5_andon_triggers_total',
    help: 'Andon events raised',
    labelNames: ['site', 'line'] as const,
    registers: [registry],
  });
  let windowStart = Date.now();
  let windowCount = 0;
  let rate = 0;
  new Gauge({
    name: 'ms5_data_ingestion_rate',
    help: 'Telemetry events applied per second, averaged since the previous scrape',
    registers: [registry],
    collect() {
      const now = Date.now();
      const seconds = (now - windowStart) / 1000;
      if (seconds > 0) rate = windowCount / seconds;
      windowStart = now;
      windowCount = 0;
      this.set(rate);
    },
  });
  new Gauge({
    name: 'ms5_oee_percentage',
    help: 'OEE of each line over the current shift, in percent (ISO 22400)',
    labelNames: ['site', 'line'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const groups = await queries.oee({ ...shiftWindow(), groupBy: 'line' });
      for (const g of groups) {
        if (g.result.oee !== null) {
          this.set({ site: g.key.site!, line: g.key.line! }, g.result.oee * 100);
        }
      }
    },
  });
  return {
    registry,
    recordBatch(source: string, r: BatchResult) {
      events.inc({ source, outcome: 'applied' }, r.applied);
      events.inc({ source, outcome: 'duplicate' }, r.duplicates);
      events.inc({ source, outcome: 'late' }, r.late);
      events.inc({ source, outcome: 'dead_lettered' }, r.deadLettered);
      windowCount += r.applied;
    },
    recordAndon(site: string, line: string) {
      andon.inc({ site, line });
    },
  };
}
