import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaClustersFrom, KafkaProbe } from './kafkaProbe';
import { runProbe } from './runProbe';

describe('KafkaProbe (real broker)', () => {
  const brokers = () => {
    const b = process.env.PLANTOPS_TEST_KAFKA_BROKERS;
    if (!b) throw new Error('PLANTOPS_TEST_KAFKA_BROKERS is not set: run the tests with ./portal test');
    return b.split(',');
  };

  it('reports lag per partition: log end minus the committed offset', async () => {
    const id = randomBytes(4).toString('hex');
    const topic = `health-lag-${id}`;
    const groupId = `health-group-${id}`;
    const kafka = new Kafka({ clientId: 'test', brokers: brokers(), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    const probe = new KafkaProbe(kafkaClustersFrom(new ConfigReader({ plant: { kafka: { clusters: [{ name: 'test-kafka', brokers: brokers() }] } } })), {
      maxLag: 10,
    });
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, messages: Array.from({ length: 6 }, (_, i) => ({ partition: 0, value: `m${i}` })) });
      await producer.send({ topic, messages: Array.from({ length: 9 }, (_, i) => ({ partition: 1, value: `n${i}` })) });
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '1' }] });

      const entity: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'test-kafka',
          annotations: { 'plantops.io/kafka-consumer-group': groupId, 'plantops.io/kafka-topic': topic },
        },
        spec: { type: 'message-broker', owner: 'team' },
      };
      expect(probe.appliesTo(entity)).toBe(true);
      const r = await runProbe(probe, entity, 15_000);
      // 2 + 8 = 10: not over the threshold of 10.
      expect(r).toEqual(expect.objectContaining({ status: 'ok', details: expect.objectContaining({ totalLag: 10 }) }));
      expect(r.message).toContain(`${topic}[0]=2, ${topic}[1]=8`);

      await producer.send({ topic, messages: [{ partition: 0, value: 'one more' }] });
      const r2 = await runProbe(probe, entity, 15_000);
      expect(r2.status).toBe('degraded');
      expect(r2.message).toMatch(new RegExp(`lags 11 messages \\(over 10\\)`));

      const unknown = await runProbe(
        probe,
        { ...entity, metadata: { ...entity.metadata, annotations: { 'plantops.io/kafka-consumer-group': `never-${id}`, 'plantops.io/kafka-topic': topic } } },
        15_000,
      );
      expect(unknown).toEqual(expect.objectContaining({ status: 'unknown', message: `consumer group never-${id} has no committed offsets` }));
    } finally {
      await probe.close();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 60_000);
});
