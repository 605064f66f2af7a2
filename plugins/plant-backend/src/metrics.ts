import { Counter, Gauge, Registry } from 'prom-client';
import type { Pool } from 'pg';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { Admin, Kafka, KafkaConfig, logLevel } from 'kafkajs';
import type { BatchResult } from './ingest/RollupWriter';
import type { OeeQueries } from './oee/OeeQueries';

export interface MetricsSources {
  /** The telemetry store, for the dead letters kept (all replicas). */
  pool?: Pool;
  /** The Kafka source, for consumer lag. */
  kafka?: { kafka: KafkaConfig; topic: string; groupId: string };
  logger?: LoggerService;
}

/**
 * The MS5.0 guide's metrics, computed by the portal: OEE per line over the
 * current shift, Andon triggers, ingestion rate, dead letters.
 */
export function createMetrics(queries: OeeQueries, sources: MetricsSources = {}) {
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
    help: 'OEE of each line over the current shift of its site (the Site entity calendar), in percent (ISO 22400)',
    labelNames: ['site', 'line'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const groups = await queries.currentShiftByLine();
      for (const g of groups) {
        if (g.result.oee !== null) {
          this.set({ site: g.key.site!, line: g.key.line! }, g.result.oee * 100);
        }
      }
    },
  });
  if (sources.pool) {
    const pool = sources.pool;
    new Gauge({
      name: 'plant_dead_letters',
      help: 'Telemetry messages kept in the dead-letter table, by source (all replicas)',
      labelNames: ['source'] as const,
      registers: [registry],
      async collect() {
        const r = await pool.query('SELECT source, count(*)::bigint AS n FROM plant_dead_letter GROUP BY source');
        this.reset();
        for (const row of r.rows) this.set({ source: row.source }, Number(row.n));
      },
    });
  }
  let admin: Admin | undefined;
  if (sources.kafka) {
    const { kafka, topic, groupId } = sources.kafka;
    const lagGauge = new Gauge({
      name: 'plant_kafka_consumer_lag',
      help: 'Messages not yet committed by the telemetry consumer group: high watermark minus committed offset, per partition',
      labelNames: ['topic', 'partition'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          admin ??= new Kafka({ logLevel: logLevel.NOTHING, ...kafka }).admin();
          await admin.connect(); // no-op when connected
          for (const p of await consumerLag(admin, topic, groupId)) {
            this.set({ topic, partition: String(p.partition) }, p.lag);
          }
        } catch (e) {
          // A scrape must not fail because Kafka is down; the gauge is then empty.
          sources.logger?.warn(`Kafka consumer lag unavailable: ${(e as Error).message}`);
        }
      },
    });
    void lagGauge;
  }
  return {
    async close() {
      await admin?.disconnect();
    },
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

/**
 * Lag of a consumer group per partition: high watermark minus the group's
 * committed offset (from the low watermark when nothing is committed yet).
 */
export async function consumerLag(admin: Admin, topic: string, groupId: string) {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const done = new Map(
    (committed.find(t => t.topic === topic)?.partitions ?? []).map(p => [p.partition, Number(p.offset)]),
  );
  return ends
    .map(p => {
      const high = Number(p.high);
      const from = done.get(p.partition);
      const start = from !== undefined && from >= 0 ? from : Number(p.low);
      return { partition: p.partition, lag: Math.max(0, high - start) };
    })
    .sort((a, b) => a.partition - b.partition);
}
