import { Kafka, logLevel, Message, Partitioners, Producer } from 'kafkajs';
import { machineKey, PlantEvent } from './events';

/** The MS5.0 telemetry topic. */
export const DEFAULT_TELEMETRY_TOPIC = 'ms5.telemetry';

export interface KafkaSinkOptions {
  clientId?: string;
  /** Messages per produce request. */
  batchSize?: number;
}

/** One message per event: key `site/line/machine`, JSON value. */
export function toKafkaMessages(events: PlantEvent[]): Message[] {
  return events.map(e => ({
    key: machineKey(e),
    value: JSON.stringify(e),
    timestamp: String(Date.parse(e.sourceTimestamp)),
  }));
}

function brokerList(brokers: string | string[]): string[] {
  const list = (Array.isArray(brokers) ? brokers : brokers.split(','))
    .map(b => b.trim())
    .filter(Boolean);
  if (list.length === 0)
    throw new Error('kafka: no brokers given (host:port, comma separated)');
  return list;
}

/**
 * A connected producer for a stream of events. Keys pin each machine to one
 * partition; one request in flight and idempotence keep that partition's
 * order even when a request is retried.
 */
export class KafkaEventSink {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly producer: Producer,
    readonly topic: string,
    private readonly batchSize: number,
  ) {}

  static async connect(
    brokers: string | string[],
    topic: string,
    options: KafkaSinkOptions = {},
  ): Promise<KafkaEventSink> {
    const kafka = new Kafka({
      clientId: options.clientId ?? 'plantops-plant-simulator',
      brokers: brokerList(brokers),
      logLevel: logLevel.ERROR,
    });
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    return new KafkaEventSink(producer, topic, options.batchSize ?? 500);
  }

  /** Sends events in order; calls are queued so batches never overtake. */
  send(events: PlantEvent[]): Promise<void> {
    const run = this.queue.then(async () => {
      const messages = toKafkaMessages(events);
      for (let i = 0; i < messages.length; i += this.batchSize) {
        await this.producer.send({
          topic: this.topic,
          acks: -1,
          messages: messages.slice(i, i + this.batchSize),
        });
      }
    });
    this.queue = run.catch(() => undefined); // one failed batch must not block later ones
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.producer.disconnect();
  }
}

/** Produces `events` to `topic` and disconnects. */
export async function produceEvents(
  brokers: string | string[],
  topic: string,
  events: PlantEvent[],
  options?: KafkaSinkOptions,
): Promise<void> {
  const sink = await KafkaEventSink.connect(brokers, topic, options);
  try {
    await sink.send(events);
  } finally {
    await sink.close();
  }
}
