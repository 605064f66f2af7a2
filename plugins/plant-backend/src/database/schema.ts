import type { PoolClient } from 'pg';

/**
 * Telemetry schema. Rollups are range-partitioned by month (native PostgreSQL
 * partitioning), so retention drops whole partitions instead of deleting rows.
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
CREATE TABLE IF NOT EXISTS plant_state_transition (
  site text NOT NULL, line text NOT NULL, machine text NOT NULL,
  at timestamptz NOT NULL, state text NOT NULL,
  PRIMARY KEY (site, line, machine, at)
);
CREATE TABLE IF NOT EXISTS plant_rollup_minute (
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
  PRIMARY KEY (site, line, machine, bucket)
) PARTITION BY RANGE (bucket);
CREATE TABLE IF NOT EXISTS plant_ingest_offset (
  source text NOT NULL, partition integer NOT NULL, next_offset bigint NOT NULL,
  PRIMARY KEY (source, partition)
);
CREATE TABLE IF NOT EXISTS plant_dead_letter (
  id bigserial PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now(),
  source text NOT NULL, position text, raw text NOT NULL, reason text NOT NULL
);
CREATE TABLE IF NOT EXISTS plant_andon_event (
  site text NOT NULL, line text NOT NULL, machine text NOT NULL,
  at timestamptz NOT NULL, action text NOT NULL, reason text, colour text,
  PRIMARY KEY (site, line, machine, at, action)
);
`;

export async function migrate(client: PoolClient): Promise<void> {
  // One migrator at a time across replicas.
  await client.query('SELECT pg_advisory_lock(741200)');
  try {
    await client.query(SCHEMA_SQL);
  } finally {
    await client.query('SELECT pg_advisory_unlock(741200)');
  }
}

/** Month partition name and bounds for a bucket time. */
export function monthPartition(ms: number) {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const from = new Date(Date.UTC(y, m, 1)).toISOString();
  const to = new Date(Date.UTC(y, m + 1, 1)).toISOString();
  const name = `plant_rollup_minute_p${y}${String(m + 1).padStart(2, '0')}`;
  return { name, from, to };
}

export async function ensurePartition(client: PoolClient, ms: number) {
  const { name, from, to } = monthPartition(ms);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF plant_rollup_minute FOR VALUES FROM ('${from}') TO ('${to}')`,
  );
  return name;
}
