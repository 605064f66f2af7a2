import type { Entity } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import {
  ANNOTATION_PLANTOPS_KAFKA_CLUSTER,
  ANNOTATION_PLANTOPS_KAFKA_CONSUMER_GROUP,
  ANNOTATION_PLANTOPS_KAFKA_TOPIC,
} from '@plantops/backstage-plugin-plant-common';
import { Admin, Kafka, KafkaConfig, logLevel, SASLOptions } from 'kafkajs';
import { kafkaConfigFrom } from '../../ingest/kafkaConfig';
import type { Probe, ProbeResult } from './types';
import { notMonitored } from './types';

/** Kafka clusters by name: `plant.kafka.clusters`, plus `plant.telemetry.kafka` as `default`. */
export function kafkaClustersFrom(config: Config): Map<string, KafkaConfig> {
  const out = new Map<string, KafkaConfig>();
  const telemetry = kafkaConfigFrom(config);
  if (telemetry) out.set('default', telemetry.kafka);
  for (const c of config.getOptionalConfigArray('plant.kafka.clusters') ?? []) {
    const sasl = c.getOptionalConfig('sasl');
    out.set(c.getString('name'), {
      clientId: 'plantops-health',
      brokers: c.getStringArray('brokers'),
      ssl: c.getOptionalBoolean('ssl') ?? false,
      sasl: sasl
        ? ({ mechanism: sasl.getString('mechanism'), username: sasl.getString('username'), password: sasl.getString('password') } as SASLOptions)
        : undefined,
    });
  }
  return out;
}

export interface KafkaProbeOptions {
  /** Total lag of the group over this is degraded; default 1000 (our KafkaConsumerLagHigh rule). */
  maxLag?: number;
}

/** Consumer-group lag per partition (log end offset minus committed offset) through the kafkajs admin client. */
export class KafkaProbe implements Probe {
  readonly name = 'kafka';
  private readonly admins = new Map<string, Promise<Admin>>();

  constructor(private readonly clusters: Map<string, KafkaConfig>, private readonly options: KafkaProbeOptions = {}) {}

  private clusterOf(entity: Entity) {
    const a = entity.metadata.annotations ?? {};
    const name = a[ANNOTATION_PLANTOPS_KAFKA_CLUSTER] ?? (this.clusters.has(entity.metadata.name) ? entity.metadata.name : 'default');
    return { name, config: this.clusters.get(name) };
  }

  appliesTo(entity: Entity) {
    return Boolean(entity.metadata.annotations?.[ANNOTATION_PLANTOPS_KAFKA_CONSUMER_GROUP]);
  }

  private admin(name: string, config: KafkaConfig): Promise<Admin> {
    let a = this.admins.get(name);
    if (!a) {
      a = (async () => {
        const admin = new Kafka({ ...config, logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
        await admin.connect();
        return admin;
      })();
      a.catch(() => this.admins.delete(name));
      this.admins.set(name, a);
    }
    return a;
  }

  async run(entity: Entity): Promise<ProbeResult> {
    const a = entity.metadata.annotations!;
    const groupId = a[ANNOTATION_PLANTOPS_KAFKA_CONSUMER_GROUP];
    const cluster = this.clusterOf(entity);
    if (!cluster.config) {
      return notMonitored(
        `consumer group ${groupId} on Kafka cluster ${cluster.name}, which is not configured: add it to plant.kafka.clusters (or plant.telemetry.kafka for default)`,
      );
    }
    let admin: Admin;
    try {
      admin = await this.admin(cluster.name, cluster.config);
      const topicFilter = a[ANNOTATION_PLANTOPS_KAFKA_TOPIC];
      const committed = await admin.fetchOffsets({ groupId, topics: topicFilter ? [topicFilter] : undefined });
      // A group that never committed gets -1 on every partition of a named topic.
      if (committed.every(t => t.partitions.every(p => Number(p.offset) < 0))) {
        return { status: 'unknown', message: `consumer group ${groupId} has no committed offsets` };
      }
      const partitions: string[] = [];
      let total = 0;
      for (const t of committed) {
        const ends = await admin.fetchTopicOffsets(t.topic);
        for (const p of t.partitions) {
          const end = ends.find(e => e.partition === p.partition);
          if (!end) continue;
          const at = Number(p.offset);
          // -1: nothing committed on this partition yet; everything since the low watermark is lag.
          const lag = Math.max(0, Number(end.high) - (at < 0 ? Number(end.low) : at));
          total += lag;
          partitions.push(`${t.topic}[${p.partition}]=${lag}`);
        }
      }
      const maxLag = this.options.maxLag ?? 1000;
      const details = { groupId, totalLag: total, partitions: partitions.join(' ') };
      if (total > maxLag) {
        return { status: 'degraded', message: `consumer group ${groupId} lags ${total} messages (over ${maxLag}): ${partitions.join(', ')}`, details };
      }
      return { status: 'ok', message: `consumer group ${groupId} lags ${total} messages: ${partitions.join(', ')}`, details };
    } catch (e: any) {
      this.admins.delete(cluster.name);
      return { status: 'unknown', message: `Kafka cluster ${cluster.name} (${cluster.config.brokers}) could not be asked about ${groupId}: ${e.message}` };
    }
  }

  async close() {
    const all = [...this.admins.values()];
    this.admins.clear();
    await Promise.all(all.map(a => a.then(x => x.disconnect()).catch(() => undefined)));
  }
}
