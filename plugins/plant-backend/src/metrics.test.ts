import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { createTestDatabase } from './testing/testPg';
import { OeeQueries } from './oee/OeeQueries';
import { createMetrics } from './metrics';

const brokers = process.env.PLANTOPS_TEST_KAFKA_BROKERS?.split(',');
if (!brokers) {
  throw new Error('PLANTOPS_TEST_KAFKA_BROKERS is not set: run the tests with ./portal test, which starts Kafka');
}

describe('metrics', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: true });
  });
  afterAll(() => db.drop());

  it('exports consumer lag per partition (high watermark minus committed offset) and the dead letters kept', async () => {
    const kafka = new Kafka({ brokers: brokers!, clientId: 'plant-metrics-test', logLevel: logLevel.NOTHING });
    const topic = `plant-lag-test-${randomBytes(4).toString('hex')}`;
    const groupId = `plant-lag-group-${randomBytes(4).toString('hex')}`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic,
        messages: [
          ...Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `a${i}` })),
          ...Array.from({ length: 3 }, (_, i) => ({ partition: 1, value: `b${i}` })),
        ],
      });
      await producer.disconnect();
      // The group has committed 2 messages of partition 0 and nothing of partition 1.
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });
      await db.pool.query(
        `INSERT INTO plant_dead_letter (source, position, raw, reason) VALUES
         ('kafka:t', '0:1', '{', 'event: not valid JSON'), ('kafka:t', '0:2', '{}', 'type: missing'), ('opcua:s', 'e', 'x', 'r')`,
      );
      const metrics = createMetrics(new OeeQueries(db.pool), {
        pool: db.pool,
        kafka: { kafka: { brokers: brokers!, clientId: 'plant-metrics-test' }, topic, groupId },
      });
      try {
        const text = await metrics.registry.metrics();
        expect(text).toContain(`plant_kafka_consumer_lag{topic="${topic}",partition="0"} 3`);
        expect(text).toContain(`plant_kafka_consumer_lag{topic="${topic}",partition="1"} 3`);
        expect(text).toContain('plant_dead_letters{source="kafka:t"} 2');
        expect(text).toContain('plant_dead_letters{source="opcua:s"} 1');
      } finally {
        await metrics.close();
      }
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    }
  }, 60_000);
});
