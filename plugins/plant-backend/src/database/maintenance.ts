import type { Pool } from 'pg';
import type { Config } from '@backstage/config';
import { createPartitionsAhead, dropPartitionsBefore, rollupStorage, ROLLUP_TABLES, RollupTable } from './schema';

/** Days each rollup resolution is kept; undefined keeps it for ever. */
export type Retention = Partial<Record<RollupTable, number>>;

const DEFAULT_RETENTION: Retention = { plant_rollup_minute: 90, plant_rollup_hour: 730 };
const KEYS: Record<string, RollupTable> = {
  minuteDays: 'plant_rollup_minute',
  hourDays: 'plant_rollup_hour',
  dayDays: 'plant_rollup_day',
};

/** `plant.telemetry.retention`: minuteDays (default 90), hourDays (default 730), dayDays (default: keep). */
export function retentionFrom(config: Config | undefined): Retention {
  const c = config?.getOptionalConfig('plant.telemetry.retention');
  const out: Retention = { ...DEFAULT_RETENTION };
  for (const [key, table] of Object.entries(KEYS)) {
    const days = c?.getOptionalNumber(key);
    if (days === undefined) continue;
    if (!Number.isInteger(days) || days < 1) {
      throw new Error(
        `plant.telemetry.retention.${key} must be a whole number of days >= 1, got ${days}; ` +
          'fix it in app-config or leave it out for the default',
      );
    }
    out[table] = days;
  }
  return out;
}

const DEFAULT_COMPRESS_AFTER_DAYS = 7;

/** `plant.telemetry.compressAfterDays` (TimescaleDB stores only): default 7. */
export function compressAfterDaysFrom(config: Config | undefined): number {
  const days = config?.getOptionalNumber('plant.telemetry.compressAfterDays') ?? DEFAULT_COMPRESS_AFTER_DAYS;
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(
      `plant.telemetry.compressAfterDays must be a whole number of days >= 1, got ${days}; ` +
        'fix it in app-config or leave it out for the default (7)',
    );
  }
  return days;
}

/**
 * The periodic sweep of the telemetry store (run by the Backstage scheduler,
 * so one replica at a time). Native partitions: makes this and next month's
 * partitions, and drops whole month partitions that ended before the
 * retention window. Hypertables: drops the chunks that ended before it.
 * Retention runs here rather than as a TimescaleDB retention policy so that
 * one setting drives both paths, a config change applies at the next sweep,
 * and it works where TimescaleDB runs no background jobs (embedded PGlite);
 * compression of chunks older than `compressAfterDays` likewise.
 */
export async function runMaintenance(
  pool: Pool,
  retention: Retention,
  now = Date.now(),
  compressAfterDays = DEFAULT_COMPRESS_AFTER_DAYS,
) {
  const client = await pool.connect();
  try {
    const hypertables = (await rollupStorage(client)) === 'timescaledb';
    if (!hypertables) await createPartitionsAhead(client, now);
    const dropped: string[] = [];
    for (const [table, days] of Object.entries(retention) as [RollupTable, number | undefined][]) {
      if (days === undefined) continue;
      const before = now - days * 86_400_000;
      if (!hypertables) {
        dropped.push(...(await dropPartitionsBefore(client, table, before)));
        continue;
      }
      const r = await client.query<{ chunk: string }>(
        'SELECT drop_chunks($1::regclass, older_than => $2::timestamptz) AS chunk',
        [table, new Date(before)],
      );
      dropped.push(...r.rows.map(row => row.chunk));
    }
    const compressed: string[] = [];
    if (hypertables) {
      // Old chunks go to TimescaleDB's column store (about a tenth of the size).
      // A late event for one is still upserted there, in the writer's transaction.
      const before = new Date(now - compressAfterDays * 86_400_000);
      for (const { table } of ROLLUP_TABLES) {
        const r = await client.query<{ chunk: string }>(
          `SELECT compress_chunk(c, if_not_compressed => true)::text AS chunk
           FROM show_chunks($1::regclass, older_than => $2::timestamptz) c
           WHERE NOT EXISTS (SELECT 1 FROM timescaledb_information.chunks i
             WHERE format('%I.%I', i.chunk_schema, i.chunk_name)::regclass = c AND i.is_compressed)`,
          [table, before],
        );
        compressed.push(...r.rows.map(row => row.chunk));
      }
    }
    return { dropped, compressed };
  } finally {
    client.release();
  }
}

/** Whether the server offers TimescaleDB (whether a new store would use it: see `migrate`). */
export async function timescaleAvailable(pool: Pool): Promise<boolean> {
  const r = await pool.query(`SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'timescaledb'`);
  return r.rows[0].n > 0;
}

/**
 * Runs {@link runMaintenance} hourly on the Backstage scheduler (one replica
 * at a time). The store's storage is logged once by openTelemetryDatabase.
 */
export async function scheduleMaintenance(options: {
  pool: Pool;
  config: Config;
  scheduler: import('@backstage/backend-plugin-api').SchedulerService;
  logger: import('@backstage/backend-plugin-api').LoggerService;
}) {
  const { pool, config, scheduler, logger } = options;
  const retention = retentionFrom(config);
  const compressAfterDays = compressAfterDaysFrom(config);
  await scheduler.scheduleTask({
    id: 'plant-telemetry-maintenance',
    frequency: { hours: 1 },
    timeout: { minutes: 15 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      const { dropped, compressed } = await runMaintenance(pool, retention, Date.now(), compressAfterDays);
      if (dropped.length > 0) logger.info(`Telemetry retention dropped ${dropped.join(', ')}`);
      if (compressed.length > 0) logger.info(`Telemetry store compressed ${compressed.length} old chunks`);
    },
  });
}
