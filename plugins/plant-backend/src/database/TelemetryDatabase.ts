import { Pool, PoolClient } from 'pg';
import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { migrate, MigrateResult, RollupStorage, TimescaleMode } from './schema';

export interface TelemetryDatabase {
  pool: Pool;
  /** 'postgres' for a configured server, 'embedded' for the in-process PGlite. */
  kind: 'postgres' | 'embedded';
  /** Native month partitions or TimescaleDB hypertables, as chosen when the store was created. */
  rollups: RollupStorage;
  close(): Promise<void>;
}

/**
 * Session settings of the telemetry pool, sent when a connection starts
 * (an `options` in the connection string takes precedence). OEE queries
 * are short: compiling them (JIT) or starting parallel workers cost more
 * than the queries themselves, up to 100 ms a call on two cores.
 */
export const TELEMETRY_SESSION_OPTIONS = '-c jit=off -c max_parallel_workers_per_gather=0';

/**
 * The telemetry store: the PostgreSQL server named by
 * `plant.telemetry.database.connection`, or, when none is configured, an
 * in-process PostgreSQL (PGlite) that `pg` reaches through a loopback socket.
 * PGlite serves one connection at a time, so the pool holds one.
 */
export async function openTelemetryDatabase(
  config: Config | undefined,
  logger: LoggerService,
): Promise<TelemetryDatabase> {
  const timescaledb = timescaleMode(config);
  const migrateWith = (c: PoolClient) => migrate(c, { timescaledb });
  const connection = config?.getOptionalString('plant.telemetry.database.connection');
  if (connection) {
    const pool = new Pool({ connectionString: connection, max: 8, options: TELEMETRY_SESSION_OPTIONS });
    // An idle connection dropped by the server (restart, failover) must not crash the backend.
    pool.on('error', e => logger.warn(`Telemetry store connection lost: ${e.message}`));
    const storage = await withClient(pool, migrateWith);
    logger.info(`Telemetry store: PostgreSQL, ${describe(storage)}`);
    return { pool, kind: 'postgres', rollups: storage.rollups, close: () => pool.end() };
  }
  const dataDir = config?.getOptionalString('plant.telemetry.database.embeddedDataDir');
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const pool = new Pool({ host, port: Number(port), user: 'postgres', database: 'postgres', max: 1 });
  pool.on('error', e => logger.warn(`Embedded telemetry store connection lost: ${e.message}`));
  const storage = await withClient(pool, migrateWith);
  logger.info(
    `Telemetry store: embedded PostgreSQL (PGlite${dataDir ? ` in ${dataDir}` : ', in memory'}), ${describe(storage)}`,
  );
  return {
    pool,
    kind: 'embedded',
    rollups: storage.rollups,
    async close() {
      await pool.end();
      await server.stop();
      await db.close();
    },
  };
}

const describe = ({ rollups, note }: MigrateResult) =>
  (rollups === 'timescaledb' ? 'rollups in TimescaleDB hypertables' : 'rollups in native month partitions') +
  (note ? ` (${note})` : '');

/** `plant.telemetry.timescaledb`: auto (default) or off. */
export function timescaleMode(config: Config | undefined): TimescaleMode {
  const mode = config?.getOptionalString('plant.telemetry.timescaledb') ?? 'auto';
  if (mode !== 'auto' && mode !== 'off') {
    throw new Error(
      `plant.telemetry.timescaledb must be 'auto' or 'off', got '${mode}'; ` +
        'fix it in app-config or leave it out for auto',
    );
  }
  return mode;
}

async function withClient<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>) {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}
