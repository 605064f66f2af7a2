import type { Pool, PoolClient } from 'pg';

/** Rollup tables from finest to coarsest, with their bucket length. */
export const ROLLUP_TABLES = [
  { table: 'plant_rollup_minute', stepMs: 60_000 },
  { table: 'plant_rollup_hour', stepMs: 3_600_000 },
  { table: 'plant_rollup_day', stepMs: 86_400_000 },
] as const;
export type RollupTable = (typeof ROLLUP_TABLES)[number]['table'];

const rollupTable = (name: string, partitioned: boolean) => `
CREATE TABLE IF NOT EXISTS ${name} (
  site text NOT NULL, line text NOT NULL, machine text NOT NULL,
  bucket timestamptz NOT NULL,
  executing_s double precision NOT NULL DEFAULT 0,
  idle_s double precision NOT NULL DEFAULT 0,
  fault_s double precision NOT NULL DEFAULT 0,
  micro_stop_s double precision NOT NULL DEFAULT 0,
  setup_s double precision NOT NULL DEFAULT 0,
  planned_downtime_s double precision NOT NULL DEFAULT 0,
  no_shift_s double precision NOT NULL DEFAULT 0,
  produced bigint NOT NULL DEFAULT 0,
  good bigint NOT NULL DEFAULT 0,
  reject bigint NOT NULL DEFAULT 0,
  ideal_s double precision NOT NULL DEFAULT 0,
  ideal_good_s double precision NOT NULL DEFAULT 0,
  startup_reject bigint NOT NULL DEFAULT 0,
  ideal_startup_reject_s double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (site, line, machine, bucket)
)${partitioned ? ' PARTITION BY RANGE (bucket)' : ''};
ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS startup_reject bigint NOT NULL DEFAULT 0;
ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS ideal_startup_reject_s double precision NOT NULL DEFAULT 0;
${bucketIndex(name)}`;

/**
 * Site- and plant-wide OEE queries read the ragged minutes and hours at the
 * ends of a window by time; per-machine reads use the primary key. A BRIN
 * index did not serve them: its ranges are unsummarized until a vacuum, and
 * rows of one minute sit next to each other only roughly. The daily table is
 * small enough to scan.
 */
const bucketIndex = (name: string) =>
  name === 'plant_rollup_day'
    ? `CREATE INDEX IF NOT EXISTS ${name}_bucket_brin ON ${name} USING brin (bucket);`
    : `CREATE INDEX IF NOT EXISTS ${name}_bucket ON ${name} (bucket);
DROP INDEX IF EXISTS ${name}_bucket_brin;`;

/**
 * Telemetry schema. Rollups are kept per machine and minute, hour and day
 * (the writer maintains all three in one transaction) and range-partitioned
 * by month (native PostgreSQL partitioning) or, on a store created with
 * TimescaleDB, in hypertables; either way retention drops whole partitions
 * or chunks instead of deleting rows.
 */
export const schemaSql = (rollups: RollupStorage) => `
CREATE TABLE IF NOT EXISTS plant_machine (
  site text NOT NULL, line text NOT NULL, machine text NOT NULL,
  state text, state_since timestamptz,
  total bigint, good bigint, reject bigint, counters_at timestamptz,
  ideal_cycle_s double precision, product text,
  andon_active boolean NOT NULL DEFAULT false, andon_colour text, andon_reason text,
  last_event_at timestamptz,
  PRIMARY KEY (site, line, machine)
);
ALTER TABLE plant_machine ADD COLUMN IF NOT EXISTS startup_reject bigint;
CREATE TABLE IF NOT EXISTS plant_state_transition (
  site text NOT NULL, line text NOT NULL, machine text NOT NULL,
  at timestamptz NOT NULL, state text NOT NULL,
  PRIMARY KEY (site, line, machine, at)
);
${ROLLUP_TABLES.map(t => rollupTable(t.table, rollups === 'native')).join('')}
CREATE TABLE IF NOT EXISTS plant_ingest_offset (
  source text NOT NULL, partition integer NOT NULL, next_offset bigint NOT NULL,
  PRIMARY KEY (source, partition)
);
CREATE TABLE IF NOT EXISTS plant_dead_letter (
  id bigserial PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now(),
  source text NOT NULL, position text, raw text NOT NULL, reason text NOT NULL
);
CREATE INDEX IF NOT EXISTS plant_dead_letter_received ON plant_dead_letter (received_at);
CREATE TABLE IF NOT EXISTS plant_andon_event (
  site text NOT NULL, line text NOT NULL, machine text NOT NULL,
  at timestamptz NOT NULL, action text NOT NULL, reason text, colour text,
  PRIMARY KEY (site, line, machine, at, action)
);
`;

const MIGRATE_LOCK = 741200;

/** How the rollup tables are stored: native month partitions or TimescaleDB hypertables. */
export type RollupStorage = 'native' | 'timescaledb';

/** `plant.telemetry.timescaledb`: `auto` uses TimescaleDB when a new store's server offers it. */
export type TimescaleMode = 'auto' | 'off';

export interface MigrateResult {
  rollups: RollupStorage;
  /** Why the storage is not what the server and config would give a new store, if it is not (logged at start). */
  note?: string;
}

/**
 * Chunk lengths: about a day of minute rows, a month of hour rows, a year of
 * day rows per chunk, so a chunk stays small next to memory at a thousand
 * machines and retention drops at a fine grain.
 */
const CHUNK_INTERVALS: Record<RollupTable, string> = {
  plant_rollup_minute: '1 day',
  plant_rollup_hour: '30 days',
  plant_rollup_day: '365 days',
};

/**
 * Creates or updates the schema. The rollup storage is chosen once, when the
 * store is new, and recorded in plant_telemetry_storage: an existing store is
 * never half-converted, whatever the server or the config offers later.
 * Native stores get the partitions of the current and the next month so that
 * writers rarely have to create one.
 */
export async function migrate(
  client: PoolClient,
  options: { now?: number; timescaledb?: TimescaleMode } = {},
): Promise<MigrateResult> {
  const { now = Date.now(), timescaledb = 'auto' } = options;
  let result: MigrateResult;
  // One migrator at a time across replicas.
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
  try {
    result = await inTransaction(client, async () => {
      const chosen = await chooseStorage(client, timescaledb);
      await client.query(schemaSql(chosen.rollups));
      if (chosen.rollups === 'timescaledb') {
        // Hour and day stay tables the writer maintains (here hypertables), not
        // continuous aggregates: those are refreshed later by a job, so they
        // would not move in the transaction that commits the source offsets,
        // and late events would leave them stale until the next refresh.
        for (const { table } of ROLLUP_TABLES) {
          await client.query(
            `SELECT create_hypertable($1::regclass, by_range('bucket', $2::interval),
               create_default_indexes => false, if_not_exists => true)`,
            [table, CHUNK_INTERVALS[table]],
          );
          // Compressed per machine in time order, what every query reads. Set
          // once: the settings cannot change while chunks are compressed.
          const enabled = await client.query(
            `SELECT 1 FROM timescaledb_information.hypertables
             WHERE format('%I.%I', hypertable_schema, hypertable_name)::regclass = $1::regclass AND compression_enabled`,
            [table],
          );
          if (enabled.rows.length === 0) {
            await client.query(
              `ALTER TABLE ${table} SET (timescaledb.compress,
                 timescaledb.compress_segmentby = 'site, line, machine', timescaledb.compress_orderby = 'bucket')`,
            );
          }
        }
      }
      return chosen;
    });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]);
  }
  if (result.rollups === 'native') await createPartitionsAhead(client, now);
  return result;
}

/** The recorded storage, or the choice for a new store, recorded (inside the migration's transaction). */
async function chooseStorage(client: PoolClient, mode: TimescaleMode): Promise<MigrateResult> {
  await client.query(`CREATE TABLE IF NOT EXISTS plant_telemetry_storage (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    rollups text NOT NULL CHECK (rollups IN ('native', 'timescaledb')),
    decided_at timestamptz NOT NULL DEFAULT now()
  )`);
  const offered = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'timescaledb'`,
  );
  const isOffered = offered.rows[0].n > 0;
  const recorded = await client.query<{ rollups: RollupStorage }>('SELECT rollups FROM plant_telemetry_storage');
  if (recorded.rows.length > 0) {
    const rollups = recorded.rows[0].rollups;
    if (rollups === 'timescaledb') {
      await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
      const note = mode === 'off'
        ? 'plant.telemetry.timescaledb is off, but this store was created with hypertables and keeps them'
        : undefined;
      return { rollups, note };
    }
    return {
      rollups,
      note: isOffered && mode === 'auto'
        ? 'TimescaleDB is on offer, but this store was created with native partitions and keeps them ' +
          '(a new, empty telemetry database would use hypertables)'
        : undefined,
    };
  }
  // A store made before the choice was recorded has native partitions.
  const existing = await client.query(`SELECT to_regclass('plant_rollup_minute') IS NOT NULL AS e`);
  let choice: MigrateResult = { rollups: 'native' };
  if (existing.rows[0].e) {
    if (isOffered && mode === 'auto') {
      choice.note = 'TimescaleDB is on offer, but this store already had native partitions and keeps them';
    }
  } else if (isOffered && mode === 'off') {
    choice.note = 'TimescaleDB is on offer, but plant.telemetry.timescaledb is off';
  } else if (isOffered) {
    // Offered is not always usable (e.g. not in shared_preload_libraries, or no privilege).
    await client.query('SAVEPOINT plant_timescaledb');
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
      await client.query('RELEASE SAVEPOINT plant_timescaledb');
      choice = { rollups: 'timescaledb' };
    } catch (e) {
      await client.query('ROLLBACK TO SAVEPOINT plant_timescaledb');
      choice.note = `TimescaleDB is on offer but could not be created (${(e as Error).message}); native partitions`;
    }
  }
  await client.query('INSERT INTO plant_telemetry_storage (rollups) VALUES ($1)', [choice.rollups]);
  return choice;
}

/** The rollup storage recorded at the store's first migration. */
export async function rollupStorage(client: PoolClient | Pool): Promise<RollupStorage> {
  const r = await client.query<{ rollups: RollupStorage }>('SELECT rollups FROM plant_telemetry_storage');
  return r.rows[0]?.rollups ?? 'native';
}

/** Month partition name and bounds of a table for a bucket time. */
export function monthPartition(ms: number, table: RollupTable = 'plant_rollup_minute') {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const from = new Date(Date.UTC(y, m, 1)).toISOString();
  const to = new Date(Date.UTC(y, m + 1, 1)).toISOString();
  const name = `${table}_p${y}${String(m + 1).padStart(2, '0')}`;
  return { name, from, to };
}

/**
 * Creates the month partition of `table` holding `ms` unless it exists.
 * Two transactions creating the same partition would race (the loser fails
 * with "relation already exists"), so creators first lock the parent in a
 * mode that only conflicts with itself (inserts go on) and check again under
 * it. Call it inside a transaction, before writing to any rollup table.
 */
export async function ensurePartition(client: PoolClient, ms: number, table: RollupTable = 'plant_rollup_minute') {
  const { name, from, to } = monthPartition(ms, table);
  const exists = await client.query<{ e: boolean; kind: string }>(
    'SELECT to_regclass($1) IS NOT NULL AS e, (SELECT relkind FROM pg_class WHERE oid = $2::regclass)::text AS kind',
    [name, table],
  );
  if (exists.rows[0].e) return name;
  // A TimescaleDB hypertable (a plain table) makes its chunks itself.
  if (exists.rows[0].kind !== 'p') return undefined;
  // Taking the lock also refreshes this session's view of the catalog.
  await client.query(`LOCK TABLE ${table} IN SHARE UPDATE EXCLUSIVE MODE`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} FOR VALUES FROM ('${from}') TO ('${to}')`,
  );
  return name;
}

/** The partitions of every rollup table for the month of `now` and the next one. */
export async function createPartitionsAhead(client: PoolClient, now = Date.now()) {
  const d = new Date(now);
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  await inTransaction(client, async () => {
    for (const { table } of ROLLUP_TABLES) {
      await ensurePartition(client, now, table);
      await ensurePartition(client, next, table);
    }
  });
}

/**
 * Drops the month partitions of `table` that end at or before `before`, and
 * returns their names. Whole partitions only: a month still partly inside the
 * retention window stays.
 */
export async function dropPartitionsBefore(client: PoolClient, table: RollupTable, before: number) {
  const r = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
     JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = $1 ORDER BY c.relname`,
    [table],
  );
  const dropped: string[] = [];
  const pattern = new RegExp(`^${table}_p(\\d{4})(\\d{2})$`);
  for (const { name } of r.rows) {
    const match = pattern.exec(name);
    if (!match) continue;
    const end = Date.UTC(Number(match[1]), Number(match[2]), 1); // month index + 1 = next month
    if (end > before) continue;
    await client.query(`DROP TABLE IF EXISTS ${name}`);
    dropped.push(name);
  }
  return dropped;
}

async function inTransaction<T>(client: PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
