import { parseArgs } from 'node:util';
import { PlantEvent } from './events';
import { DEFAULT_TELEMETRY_TOPIC, KafkaEventSink } from './kafka';
import { PlantOpcUaServer, SecurityModeName } from './opcuaServer';

const USAGE = `Usage: plant-simulator [options]
  --port <n>            OPC UA port (default 4840; 0 = any free port)
  --host <addr>         interface to listen on (default all)
  --speed <factor>      simulated seconds per real second (default 1)
  --seed <n>            PRNG seed (default 1)
  --security <modes>    comma separated: None,Sign,SignAndEncrypt (default None)
  --kafka <brokers>     also produce events to Kafka (host:port,...)
  --topic <name>        Kafka topic (default ${DEFAULT_TELEMETRY_TOPIC})
  --help                print this`;

export interface CliOptions {
  port: number;
  host?: string;
  speed: number;
  seed: number;
  securityModes: SecurityModeName[];
  kafkaBrokers?: string;
  topic: string;
}

function number(
  name: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new Error(`--${name} must be a number, got "${value}"`);
  }
  return n;
}

/** Parses argv (without node and script); returns undefined for --help. */
export function parseCliArgs(argv: string[]): CliOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      speed: { type: 'string' },
      seed: { type: 'string' },
      security: { type: 'string' },
      kafka: { type: 'string' },
      topic: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const modes = (values.security ?? 'None').split(',').map(s => s.trim());
  for (const m of modes) {
    if (!['None', 'Sign', 'SignAndEncrypt'].includes(m)) {
      throw new Error(
        `--security: unknown mode "${m}"; use None, Sign or SignAndEncrypt`,
      );
    }
  }
  return {
    port: number('port', values.port, 4840),
    host: values.host,
    speed: number('speed', values.speed, 1),
    seed: number('seed', values.seed, 1),
    securityModes: modes as SecurityModeName[],
    kafkaBrokers: values.kafka,
    topic: values.topic ?? DEFAULT_TELEMETRY_TOPIC,
  };
}

export interface CliSession {
  server: PlantOpcUaServer;
  stop(): Promise<void>;
}

/**
 * Starts the default demo plant's OPC UA server (and optionally a Kafka
 * producer) and prints the endpoint. Stops on SIGINT/SIGTERM or stop().
 */
export async function main(
  argv: string[],
  log: (line: string) => void = line => process.stdout.write(`${line}\n`),
): Promise<CliSession | undefined> {
  const options = parseCliArgs(argv);
  if (!options) {
    log(USAGE);
    return undefined;
  }
  const server = new PlantOpcUaServer({
    port: options.port,
    host: options.host,
    speed: options.speed,
    securityModes: options.securityModes,
    simulation: { seed: options.seed },
  });

  let sink: KafkaEventSink | undefined;
  if (options.kafkaBrokers) {
    sink = await KafkaEventSink.connect(options.kafkaBrokers, options.topic);
    const s = sink;
    server.onEvents((events: PlantEvent[]) => {
      s.send(events).catch(e => log(`kafka: send failed: ${e}`));
    });
  }

  const url = await server.start();
  const machines = server.simulator.snapshot().length;
  log(`plant simulator: ${machines} machines, speed x${options.speed}`);
  log(`OPC UA endpoint: ${url}`);
  if (sink)
    log(`Kafka: producing to ${options.kafkaBrokers} topic ${options.topic}`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await server.stop();
      await sink?.close();
    })();
    return stopping;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { server, stop };
}

if (require.main === module) {
  main(process.argv.slice(2)).catch(e => {
    process.stderr.write(
      `plant-simulator: ${e instanceof Error ? e.message : e}\n`,
    );
    process.exit(1);
  });
}
