import type { PoolClient } from 'pg';

/** Rollup tables from finest to coarsest, with their bucket length. */
export const ROLLUP_TABLES = [
  { table: 'plant_rollup_minute', stepMs: 60_000 },
  { table: 'plant_rollup_hour', stepMs: 3_600_000 },
  { table: 'plant_rollup_day', stepMs: 86_400_000 },
] as const;
export type RollupTable = (typeof ROLLUP_TABLES)[number]['table'];

const rollupTable = (name: string) => `
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
) PARTITION BY RANGE (bucket);
ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS startup_reject bigint NOT NULL DEFAULT 0;
ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS ideal_startup_reject_s double precision NOT NULL DEFAULT 0;
-- Rows arrive roughly in time order, so a BRIN index finds a time range for
-- whole-plant queries at almost no cost to ingestion.
CREATE INDEX IF NOT EXISTS ${name}_bucket_brin ON ${name} USING brin (bucket);
`;

/**
 * Telemetry schema. Rollups are kept per machine and minute, hour and day
 * (the writer maintains all three in one transaction) and range-partitioned
 * by month (native PostgreSQL partitioning), so retention drops whole
 * partitions instead of deleting rows.
 */
export const SCHEMA_SQL = `
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
${ROLLUP_TABLES.map(t => rollupTable(t.table)).join('')}
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

/**
 * Creates or updates the schema, and the partitions of the current and the
 * next month so that writers rarely have to create one.
 */
export async function migrate(client: PoolClient, now = Date.now()): Promise<void> {
  // One migrator at a time across replicas.
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
  try {
    await client.query(SCHEMA_SQL);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]);
  }
  await createPartitionsAhead(client, now);
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
  const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS e', [name]);
  if (exists.rows[0].e) return name;
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

async function inTransaction(client: PoolClient, fn: () => Promise<void>) {
  await client.query('BEGIN');
  try {
    await fn();
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
