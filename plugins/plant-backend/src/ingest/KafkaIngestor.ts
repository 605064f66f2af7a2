import { Consumer, Kafka, KafkaConfig, logLevel } from 'kafkajs';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { BatchResult, RollupWriter } from './RollupWriter';

/**
 * Defaults sized by bench/ingest.ts: a transaction's fixed cost (locking and
 * updating its machines' rows, the hour and day rows) is paid per chunk, so
 * chunks of tens of thousands of messages, from fetches big enough to fill
 * them; a few partitions in parallel keep the database busy while this
 * process reads the next chunk. A fetch response is copied into one buffer
 * (kafkajs); above a few tens of MB each copy lands in fresh memory and the
 * page faults cost more than the copy. A steady stream gives small batches
 * anyway: the sizes only matter when catching up.
 */
export const KAFKA_INGEST_DEFAULTS = {
  chunkSize: 50_000,
  partitionsConsumedConcurrently: 3,
  maxBytesPerPartition: 12 * 1024 * 1024,
  maxBytes: 24 * 1024 * 1024,
};

export interface KafkaIngestorOptions {
  kafka: KafkaConfig;
  topic: string;
  groupId: string;
  /** Messages applied per database transaction. */
  chunkSize?: number;
  /** Partitions processed in parallel (each in its own transactions). */
  partitionsConsumedConcurrently?: number;
  /**
   * Fetch sizes of the kafkajs consumer. Bigger fetches give bigger batches,
   * so fewer transactions per event.
   */
  fetch?: { maxBytesPerPartition?: number; maxBytes?: number; minBytes?: number; maxWaitTimeInMs?: number };
  onBatch?: (partition: number, result: BatchResult) => void;
}

/**
 * Feeds a Kafka topic into the rollups. The database offset is the source of
 * truth (committed with the rollups); the Kafka group offset is committed
 * after it and only saves re-reading on restart.
 */
export class KafkaIngestor {
  private consumer?: Consumer;

  constructor(
    private readonly writer: RollupWriter,
    private readonly options: KafkaIngestorOptions,
    private readonly logger: LoggerService,
  ) {}

  async start() {
    const { kafka, topic, groupId } = this.options;
    const client = new Kafka({ logLevel: logLevel.WARN, ...kafka });
    const fetch = this.options.fetch ?? {};
    const consumer = client.consumer({
      groupId,
      maxBytesPerPartition: fetch.maxBytesPerPartition ?? KAFKA_INGEST_DEFAULTS.maxBytesPerPartition,
      maxBytes: fetch.maxBytes ?? KAFKA_INGEST_DEFAULTS.maxBytes,
      minBytes: fetch.minBytes ?? 1,
      maxWaitTimeInMs: fetch.maxWaitTimeInMs ?? 1000,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const source = `kafka:${topic}`;
    const chunkSize = this.options.chunkSize ?? KAFKA_INGEST_DEFAULTS.chunkSize;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently:
        this.options.partitionsConsumedConcurrently ?? KAFKA_INGEST_DEFAULTS.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        for (let i = 0; i < batch.messages.length; i += chunkSize) {
          if (!isRunning() || isStale()) return;
          // The messages as they came (bytes, not text: the writer reads them as it parses them).
          const chunk = batch.messages.length <= chunkSize ? batch.messages : batch.messages.slice(i, i + chunkSize);
          const result = await this.writer.applyBatch(source, batch.partition, chunk);
          this.options.onBatch?.(batch.partition, result);
          resolveOffset(chunk[chunk.length - 1].offset);
          await commitOffsetsIfNecessary({
            topics: [{ topic, partitions: [{ partition: batch.partition, offset: (BigInt(chunk[chunk.length - 1].offset) + 1n).toString() }] }],
          });
          await heartbeat();
        }
      },
    });
    this.logger.info(`Consuming telemetry from Kafka topic ${topic} as group ${groupId}`);
  }

  async stop() {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}
