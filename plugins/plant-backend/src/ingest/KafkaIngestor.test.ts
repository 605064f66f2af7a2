import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabase } from '../testing/testPg';
import { BatchResult, RollupWriter, SourceMessage } from './RollupWriter';
import { KafkaIngestor } from './KafkaIngestor';
import { parseTelemetryEvent } from '@plantops/backstage-plugin-plant-common';
import type { TelemetryEvent } from './types';

const brokers = process.env.PLANTOPS_TEST_KAFKA_BROKERS?.split(',');
if (!brokers) {
  throw new Error('PLANTOPS_TEST_KAFKA_BROKERS is not set: run the tests with ./portal test, which starts Kafka');
}

const parse = (raw: string) => parseTelemetryEvent(raw);

const T0 = Date.parse('2026-11-25T06:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** A known hour of telemetry for one machine, with its exact expected rollups. */
function machineStream(machine: string): TelemetryEvent[] {
  const m = { schemaVersion: 1 as const, site: 'plant-a', line: 'line-1', machine };
  const state = (s: number, st: any): TelemetryEvent => ({ ...m, type: 'machineState', state: st, sourceTimestamp: at(s) });
  const counters = (s: number, total: number, reject: number): TelemetryEvent =>
    ({ ...m, type: 'counters', total, good: total - reject, reject, sourceTimestamp: at(s) });
  return [
    { ...m, type: 'idealCycleTime', productId: 'p1', idealCycleTimeSeconds: 1.5, sourceTimestamp: at(0) },
    state(0, 'Executing'),
    counters(0, 0, 0),
    counters(900, 500, 5),
    counters(1800, 900, 9),
    state(1800, 'OutOfService'), // 300 s fault
    state(2100, 'Executing'),
    counters(2200, 10, 0), // counter reset: 10 parts since
    counters(3600, 700, 7),
    state(3600, 'Idle'),
  ];
}
const EXPECTED_PER_MACHINE = { executing: 3300, fault: 300, produced: 1600, reject: 16, ideal: 2400 };

describe('Kafka ingestion on a real broker', () => {
  const kafka = new Kafka({ brokers: brokers!, clientId: 'plant-test', logLevel: logLevel.NOTHING });
  const topic = `plant-telemetry-test-${randomBytes(4).toString('hex')}`;
  const logger = mockServices.logger.mock();
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: true });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
  });
  afterAll(() => db.drop());

  async function produce(values: string[], keys: string[]) {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value, i) => ({ key: keys[i], value })) });
    await producer.disconnect();
  }

  async function consumeUntil(writer: RollupWriter, done: () => boolean, groupId: string, chunkSize?: number) {
    const ingestor = new KafkaIngestor(
      writer, { kafka: { brokers: brokers!, clientId: 'plant-test' }, topic, groupId, chunkSize }, logger,
    );
    await ingestor.start();
    const deadline = Date.now() + 60_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the consumer');
      await new Promise(r => setTimeout(r, 200));
    }
    await ingestor.stop();
  }

  it('ingests exactly once across a crash, with duplicates, late and malformed events', async () => {
    const machines = ['filler', 'capper', 'labeller'];
    const streams = machines.map(machineStream);
    // First half of every stream, plus a malformed message and a duplicate.
    const firstHalf = streams.flatMap(s => s.slice(0, 5).map(e => JSON.stringify(e)));
    const firstKeys = machines.flatMap(m => Array(5).fill(`plant-a/line-1/${m}`));
    firstHalf.push('{"broken": ', JSON.stringify(streams[0][3]));
    firstKeys.push('plant-a/line-1/filler', 'plant-a/line-1/filler');
    await produce(firstHalf, firstKeys);

    // Consumer A crashes right after its first database commit, before the
    // Kafka offset commit: the batch comes back and must be skipped.
    const results: BatchResult[] = [];
    let crashed = false;
    const crashing = new RollupWriter(db.pool, parse);
    const apply = crashing.applyBatch.bind(crashing);
    crashing.applyBatch = async (source: string, partition: number, msgs: SourceMessage[]) => {
      const r = await apply(source, partition, msgs);
      results.push(r);
      if (!crashed) {
        crashed = true;
        throw new Error('simulated crash after the database commit');
      }
      return r;
    };
    const firstCount = firstHalf.length;
    const seen = () => results.reduce((n, r) => n + r.applied + r.duplicates + r.deadLettered, 0);
    // Done when every message was seen and the crashed batch came back
    // (kafkajs restarts the consumer from the uncommitted offset) and was skipped.
    const redelivered = () => results.some(r => r.skippedAlreadyCommitted > 0);
    await consumeUntil(crashing, () => seen() >= firstCount && redelivered(), 'plant-test-group');
    expect(seen()).toBe(firstCount);

    // Second half, with a late state event for the filler (an Idle that
    // happened at 1900 s, inside its fault), consumed by a fresh consumer B.
    const late = { ...streams[0][5], state: 'Idle', sourceTimestamp: at(1900) };
    const secondHalf = [...streams.flatMap(s => s.slice(5).map(e => JSON.stringify(e))), JSON.stringify(late)];
    const secondKeys = [...machines.flatMap(m => Array(5).fill(`plant-a/line-1/${m}`)), 'plant-a/line-1/filler'];
    await produce(secondHalf, secondKeys);
    const resultsB: BatchResult[] = [];
    const writerB = new RollupWriter(db.pool, parse);
    const applyB = writerB.applyBatch.bind(writerB);
    writerB.applyBatch = async (...args) => {
      const r = await applyB(...args);
      resultsB.push(r);
      return r;
    };
    const secondCount = secondHalf.length;
    const seenB = () => resultsB.reduce((n, r) => n + r.applied + r.duplicates + r.deadLettered, 0);
    // Chunks of 4: a fetched batch is applied in several transactions.
    await consumeUntil(writerB, () => seenB() >= secondCount, 'plant-test-group', 4);
    expect(resultsB.length).toBeGreaterThanOrEqual(Math.ceil(secondCount / 4));

    const rows = await db.pool.query(`SELECT machine, sum(executing_s)::float AS executing, sum(fault_s)::float AS fault,
      sum(idle_s)::float AS idle, sum(micro_stop_s)::float AS micro, sum(produced)::int AS produced, sum(reject)::int AS reject, sum(ideal_s)::float AS ideal
      FROM plant_rollup_minute GROUP BY machine ORDER BY machine`);
    const byMachine = Object.fromEntries(rows.rows.map(r => [r.machine, r]));
    for (const m of ['capper', 'labeller']) {
      expect(byMachine[m]).toMatchObject({ ...EXPECTED_PER_MACHINE, idle: 0, micro: 0 });
    }
    // The late Idle splits the filler's 300 s fault into 100 s, now shorter
    // than the 120 s micro-stop threshold, and 200 s of idle.
    expect(byMachine.filler).toMatchObject({ ...EXPECTED_PER_MACHINE, fault: 0, micro: 100, idle: 200 });

    const dead = await db.pool.query('SELECT raw, reason FROM plant_dead_letter');
    expect(dead.rows).toEqual([
      { raw: '{"broken": ', reason: expect.stringMatching(/^event: not valid JSON/) },
    ]);
    // Every partition's stored offset is the end of what was produced to it.
    const offsets = await db.pool.query('SELECT sum(next_offset)::int AS n FROM plant_ingest_offset');
    expect(offsets.rows[0].n).toBe(firstHalf.length + secondHalf.length);
  }, 180_000);
});
