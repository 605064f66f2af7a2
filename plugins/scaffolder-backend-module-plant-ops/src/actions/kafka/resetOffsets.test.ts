import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createKafkaResetOffsetsAction } from './resetOffsets';
import { capture, makeDeps, resource, run } from '../../lib/__testUtils__/actionHarness';

jest.setTimeout(90_000);

const brokers = (process.env.PLANTOPS_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (!brokers.length) throw new Error('PLANTOPS_TEST_KAFKA_BROKERS is not set: source .services/env (scripts/services.sh start)');

const id = randomBytes(3).toString('hex');
const topic = `plantops.reset.${id}`;
const groupId = `plantops-reset-${id}`;
const kafka = new Kafka({ clientId: 'reset-test', brokers, logLevel: logLevel.NOTHING });
let admin: Admin;
// An hour ago, on a whole minute: the test broker keeps data 24 hours, and
// deletes older messages (so the timestamp lookup) whenever its clean-up runs.
const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;

function setup() {
  const cap = capture();
  const deps = makeDeps(
    { plant: { kafka: { clusters: [{ name: 'ms5-kafka', brokers }] } } },
    [resource('ms5-kafka', 'message-broker'), resource('ms5-postgres-primary', 'database')],
    cap,
  );
  return { cap, action: createKafkaResetOffsetsAction(deps) };
}

const committed = async () =>
  Object.fromEntries((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.map(p => [p.partition, p.offset]));

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  // 10 messages per partition, one minute apart from 06:00.
  for (const partition of [0, 1]) {
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `m${i}`, timestamp: String(T0 + i * 60_000) })),
    });
  }
  await producer.disconnect();
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '7' }] });
});

afterAll(async () => {
  await admin.deleteGroups([groupId]).catch(() => {});
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
});

describe('plant:kafka:reset-offsets (real Kafka)', () => {
  it('dry run shows before/after and changes nothing', async () => {
    const { cap, action } = setup();
    const out = await run(action, { broker: 'ms5-kafka', topic, groupId, to: 'earliest' }, { cap, dryRun: true });
    expect(out.partitions).toEqual([
      { partition: 0, before: '4', after: '0' },
      { partition: 1, before: '7', after: '0' },
    ]);
    expect(await committed()).toEqual({ 0: '4', 1: '7' });
  });

  it('the dryRun input plans in a normal task and commits nothing', async () => {
    const { cap, action } = setup();
    const out = await run(action, { broker: 'ms5-kafka', topic, groupId, to: 'earliest', dryRun: true }, { cap });
    expect(out.partitions).toEqual([
      { partition: 0, before: '4', after: '0' },
      { partition: 1, before: '7', after: '0' },
    ]);
    expect(await committed()).toEqual({ 0: '4', 1: '7' });
    expect(cap.audits).toEqual([
      expect.objectContaining({ phase: 'start', meta: expect.objectContaining({ dryRun: true }) }),
      expect.objectContaining({ phase: 'success' }),
    ]);
  });

  it('resets to earliest, latest and a timestamp', async () => {
    const { cap, action } = setup();
    const early = await run(action, { broker: 'ms5-kafka', topic, groupId, to: 'earliest' }, { cap });
    expect(early.partitions).toEqual([
      { partition: 0, before: '4', after: '0' },
      { partition: 1, before: '7', after: '0' },
    ]);
    expect(await committed()).toEqual({ 0: '0', 1: '0' });
    const late = await run(action, { broker: 'ms5-kafka', topic, groupId, to: 'latest' }, { cap });
    expect(late.partitions).toEqual([
      { partition: 0, before: '0', after: '10' },
      { partition: 1, before: '0', after: '10' },
    ]);
    // T0 + 3.5 min -> the first message at or after it is the 5th (offset 4) on both partitions.
    const timestamp = new Date(T0 + 210_000).toISOString();
    const ts = await run(action, { broker: 'ms5-kafka', topic, groupId, to: 'timestamp', timestamp }, { cap });
    expect(ts.partitions).toEqual([
      { partition: 0, before: '10', after: '4' },
      { partition: 1, before: '10', after: '4' },
    ]);
    expect(await committed()).toEqual({ 0: '4', 1: '4' });
    expect(cap.audits.filter(a => a.phase === 'success')).toHaveLength(3);
  });

  it('refuses while the group has a member, and changes nothing', async () => {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic });
    const joined = new Promise<void>(resolve => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ autoCommit: false, eachMessage: async () => {} });
    await joined;
    try {
      await consumer.pause([{ topic }]);
      const before = await committed();
      const { cap, action } = setup();
      await expect(run(action, { broker: 'ms5-kafka', topic, groupId, to: 'earliest' }, { cap })).rejects.toThrow(
        new RegExp(`^groupId: consumer group ${groupId} has 1 active member\\(s\\): reset-test .*Stop its consumers`),
      );
      expect(await committed()).toEqual(before);
      expect(cap.audits.at(-1)).toMatchObject({ phase: 'fail' });
    } finally {
      await consumer.disconnect();
    }
  });

  it('names the field and the fix for bad inputs', async () => {
    const { cap, action } = setup();
    const base = { broker: 'ms5-kafka', topic, groupId };
    await expect(run(action, { ...base, to: 'timestamp' }, { cap })).rejects.toThrow('timestamp: is required when to is "timestamp"');
    await expect(run(action, { ...base, to: 'timestamp', timestamp: 'yesterday' }, { cap })).rejects.toThrow(/^timestamp: "yesterday" is not a time/);
    await expect(run(action, { ...base, topic: `${topic}.nope`, to: 'latest' }, { cap })).rejects.toThrow(/^topic: no topic/);
    await expect(run(action, { ...base, broker: 'ms5-postgres-primary', to: 'latest' }, { cap })).rejects.toThrow(
      /^broker: .* is of type "database". Pick a Resource of type message-broker/,
    );
  });
});
