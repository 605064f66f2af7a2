import { randomUUID } from 'node:crypto';
import { AttributeIds } from 'node-opcua-client';
import { Kafka, logLevel } from 'kafkajs';
import { main, parseCliArgs } from './cli';
import { PlantEvent } from './events';
import { machineNodeId } from './opcuaServer';
import { connectClient } from './opcuaTestClient';

describe('parseCliArgs', () => {
  it('has defaults for the demo plant', () => {
    expect(parseCliArgs([])).toEqual({
      port: 4840,
      host: undefined,
      speed: 1,
      seed: 1,
      securityModes: ['None'],
      kafkaBrokers: undefined,
      topic: 'ms5.telemetry',
    });
  });

  it('reads every option', () => {
    expect(
      parseCliArgs([
        '--port',
        '0',
        '--speed',
        '60',
        '--seed',
        '9',
        '--security',
        'None,SignAndEncrypt',
        '--kafka',
        'a:1,b:2',
        '--topic',
        't',
        '--host',
        '127.0.0.1',
      ]),
    ).toEqual({
      port: 0,
      host: '127.0.0.1',
      speed: 60,
      seed: 9,
      securityModes: ['None', 'SignAndEncrypt'],
      kafkaBrokers: 'a:1,b:2',
      topic: 't',
    });
    expect(parseCliArgs(['--help'])).toBeUndefined();
  });

  it('says which option is wrong', () => {
    expect(() => parseCliArgs(['--port', 'abc'])).toThrow(
      '--port must be a number, got "abc"',
    );
    expect(() => parseCliArgs(['--security', 'Encrypt'])).toThrow(
      /unknown mode "Encrypt"/,
    );
    expect(() => parseCliArgs(['--nope'])).toThrow(/nope/);
  });
});

describe('main', () => {
  it('prints usage for --help and starts nothing', async () => {
    const lines: string[] = [];
    await expect(main(['--help'], l => lines.push(l))).resolves.toBeUndefined();
    expect(lines.join('\n')).toMatch(/Usage: plant-simulator/);
  });

  it('starts the default plant, prints the endpoint and serves it', async () => {
    const lines: string[] = [];
    const session = await main(['--port', '0', '--speed', '60'], l =>
      lines.push(l),
    );
    try {
      const url = session!.server.endpointUrl;
      expect(lines).toContain(`OPC UA endpoint: ${url}`);
      expect(lines[0]).toMatch(/18 machines, speed x60/);
      const c = await connectClient(url);
      try {
        const [state] = await c.session.read([
          {
            nodeId: machineNodeId(
              'ms5-plant-berlin',
              'line-1',
              'filler',
              'State',
            ),
            attributeId: AttributeIds.Value,
          },
        ]);
        expect(state.value.value).toBe(
          session!.server.simulator.machine(
            'ms5-plant-berlin',
            'line-1',
            'filler',
          ).state,
        );
      } finally {
        await c.close();
      }
    } finally {
      await session?.stop();
    }
    expect(session!.server.started).toBe(false);
  });

  it('also produces the events to Kafka when given brokers', async () => {
    const brokers = process.env.PLANTOPS_TEST_KAFKA_BROKERS;
    if (!brokers) {
      throw new Error(
        'PLANTOPS_TEST_KAFKA_BROKERS is not set: run `bash scripts/services.sh start kafka` and `source .services/env`',
      );
    }
    const topic = `plant-simulator-cli-${randomUUID()}`;
    const kafka = new Kafka({
      clientId: 'plant-simulator-test',
      brokers: brokers.split(','),
      logLevel: logLevel.ERROR,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1 }],
      waitForLeaders: true,
    });
    const session = await main(
      ['--port', '0', '--kafka', brokers, '--topic', topic],
      () => {},
    );
    const consumer = kafka.consumer({ groupId: `${topic}-reader` });
    const received: PlantEvent[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`got ${received.length} of 54 start-up events`)),
          30_000,
        );
        consumer
          .run({
            eachMessage: async ({ message }) => {
              received.push(JSON.parse(String(message.value)));
              if (received.length >= 54) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await session?.stop();
      await consumer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
    // Each of the 18 machines starts with its state, ideal cycle time and counters.
    const firstEvents = received.slice(0, 54);
    for (const type of ['machineState', 'idealCycleTime', 'counters']) {
      expect(firstEvents.filter(e => e.type === type)).toHaveLength(18);
    }
  }, 60_000);
});
