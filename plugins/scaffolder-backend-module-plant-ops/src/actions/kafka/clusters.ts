import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { PlantOpsDeps } from '../../deps';
import { resolveResource } from '../../lib/catalogResource';
import { fieldError } from '../../lib/errors';

export interface KafkaCluster {
  name: string;
  ref: string;
  config: KafkaConfig;
  /** The SASL password, for the redactor. */
  secret?: string;
}

/** The Kafka cluster an input names: a catalog Resource (type message-broker) with settings under plant.kafka.clusters. */
export async function resolveKafkaCluster(
  deps: Pick<PlantOpsDeps, 'catalog' | 'config'>,
  credentials: BackstageCredentials,
  field: string,
  ref: string,
): Promise<KafkaCluster> {
  const { name, ref: entityRef } = await resolveResource({ catalog: deps.catalog, credentials, field, ref, types: ['message-broker'] });
  const c = (deps.config.getOptionalConfigArray('plant.kafka.clusters') ?? []).find(x => x.getString('name') === name);
  if (!c) {
    throw fieldError(field, `${entityRef} has no connection settings`, `Add an entry with name "${name}" under plant.kafka.clusters in app-config`);
  }
  const sasl = c.getOptionalConfig('sasl');
  const secret = sasl?.getString('password');
  return {
    name,
    ref: entityRef,
    secret,
    config: {
      clientId: 'plantops-ops',
      brokers: c.getStringArray('brokers'),
      ssl: c.getOptionalBoolean('ssl'),
      sasl: sasl
        ? ({ mechanism: sasl.getString('mechanism'), username: sasl.getString('username'), password: secret } as SASLOptions)
        : undefined,
      connectionTimeout: 10_000,
      retry: { retries: 3 },
      logLevel: logLevel.NOTHING,
    },
  };
}

export function kafkaClient(c: KafkaCluster) {
  return new Kafka(c.config);
}
