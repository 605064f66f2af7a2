import type { Config } from '@backstage/config';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

export const DEFAULT_TOPIC = 'ms5.telemetry';
export const DEFAULT_GROUP = 'ms5-consumer-group';

/** Kafka settings from `plant.telemetry.kafka`, or undefined when Kafka is not configured. */
export function kafkaConfigFrom(config: Config) {
  const c = config.getOptionalConfig('plant.telemetry.kafka');
  if (!c) return undefined;
  const sasl = c.getOptionalConfig('sasl');
  const kafka: KafkaConfig = {
    clientId: c.getOptionalString('clientId') ?? 'plantops-portal',
    brokers: c.getStringArray('brokers'),
    ssl: c.getOptionalBoolean('ssl') ?? false,
    sasl: sasl
      ? ({
          mechanism: sasl.getString('mechanism'),
          username: sasl.getString('username'),
          password: sasl.getString('password'),
        } as SASLOptions)
      : undefined,
  };
  return {
    kafka,
    topic: c.getOptionalString('topic') ?? DEFAULT_TOPIC,
    groupId: c.getOptionalString('groupId') ?? DEFAULT_GROUP,
    chunkSize: positive(c, 'chunkSize'),
    partitionsConsumedConcurrently: positive(c, 'partitionsConsumedConcurrently'),
    fetch: !c.has('fetch') ? undefined : {
      maxBytesPerPartition: positive(c, 'fetch.maxBytesPerPartition'),
      maxBytes: positive(c, 'fetch.maxBytes'),
      minBytes: positive(c, 'fetch.minBytes'),
      maxWaitTimeInMs: positive(c, 'fetch.maxWaitTimeInMs'),
    },
  };
}

function positive(c: Config, key: string) {
  const v = c.getOptionalNumber(key);
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
    throw new Error(
      `plant.telemetry.kafka: ${key} must be a positive integer, got ${v}; fix it in app-config or leave it out for the default`,
    );
  }
  return v;
}
