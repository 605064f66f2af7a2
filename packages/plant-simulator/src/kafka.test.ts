import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { machineKey, PlantEvent } from './events';
import { produceEvents, toKafkaMessages } from './kafka';
import { PlantSimulator } from './simulator';

const BROKERS = process.env.PLANTOPS_TEST_KAFKA_BROKERS;

describe('Kafka producer', () => {
  it('has a broker to test against', () => {
    // Never skipped: without a broker this test fails and says how to get one.
    if (!BROKERS) {
      throw new Error(
        'PLANTOPS_TEST_KAFKA_BROKERS is not set. Start Kafka with ' +
          '`bash scripts/services.sh start kafka` and `source .services/env` (from the repo root).',
      );
    }
    expect(BROKERS).toMatch(/:\d+/);
  });

  it('keys each event by site/line/machine with a JSON value', () => {
    const sim = new PlantSimulator({
      seed: 1,
      startTime: '2025-03-03T05:00:00Z',
    });
    const [event] = sim.advance(0);
    const [message] = toKafkaMessages([event]);
    expect(message.key).toBe('ms5-plant-berlin/line-1/filler');
    expect(JSON.parse(String(message.value))).toEqual(event);
    expect(message.timestamp).toBe(String(Date.parse('2025-03-03T05:00:00Z')));
  });

  it('produces 1,000 events that come back in order per machine', async () => {
    if (!BROKERS)
      throw new Error(
        'PLANTOPS_TEST_KAFKA_BROKERS is not set: see the test above',
      );
    const brokers = BROKERS.split(',');
    const topic = `plant-simulator-test-${randomUUID()}`;
    const kafka = new Kafka({
      clientId: 'plant-simulator-test',
      brokers,
      logLevel: logLevel.ERROR,
    });
    const admin = kafka.admin();
    await admin.connect();
    // Several partitions, so the order per key is something the key must earn.
    await admin.createTopics({
      topics: [{ topic, numPartitions: 4, replicationFactor: 1 }],
      waitForLeaders: true,
    });

    const sim = new PlantSimulator({
      seed: 9,
      startTime: '2025-03-03T05:00:00Z',
    });
    const events: PlantEvent[] = [];
    while (events.length < 1000) events.push(...sim.advance(60));
    events.length = 1000;
    await produceEvents(brokers, topic, events, { batchSize: 100 });

    const consumer = kafka.consumer({ groupId: `${topic}-reader` });
    const received: Array<{
      partition: number;
      key: string;
      event: PlantEvent;
    }> = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `only ${received.length} of 1000 events came back within 30 s`,
              ),
            ),
          30_000,
        );
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              received.push({
                partition,
                key: String(message.key),
                event: JSON.parse(String(message.value)),
              });
              if (received.length >= 1000) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
      await done;
    } finally {
      await consumer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }

    expect(received).toHaveLength(1000);
    const byKey = (items: PlantEvent[]) => {
      const m = new Map<string, string[]>();
      for (const e of items)
        m.set(machineKey(e), [...(m.get(machineKey(e)) ?? []), e.eventId]);
      return m;
    };
    // Every machine's events arrive exactly once, in the order produced.
    expect(byKey(received.map(r => r.event))).toEqual(byKey(events));
    // The key is the machine, and a machine lives in one partition.
    const partitions = new Map<string, Set<number>>();
    for (const r of received) {
      expect(r.key).toBe(machineKey(r.event));
      partitions.set(
        r.key,
        (partitions.get(r.key) ?? new Set()).add(r.partition),
      );
    }
    expect(partitions.size).toBe(18);
    for (const p of partitions.values()) expect(p.size).toBe(1);
    expect(new Set(received.map(r => r.partition)).size).toBeGreaterThan(1);
  }, 60_000);
});
