import type { Pool } from 'pg';

/**
 * Health tables, in the same PostgreSQL as the telemetry store (its pool):
 * the current status per entity, and every change for the history window.
 */
export const HEALTH_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS plant_health_current (
  entity_ref text PRIMARY KEY,
  status text NOT NULL,
  reasons jsonb NOT NULL,
  since timestamptz NOT NULL,
  checked_at timestamptz NOT NULL,
  derived boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS plant_health_change (
  entity_ref text NOT NULL,
  at timestamptz NOT NULL,
  status text NOT NULL,
  reasons jsonb NOT NULL,
  PRIMARY KEY (entity_ref, at)
);
CREATE INDEX IF NOT EXISTS plant_health_change_at ON plant_health_change (at);
CREATE TABLE IF NOT EXISTS plant_alert_seen (
  id text PRIMARY KEY,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL
);
`;

export async function migrateHealth(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    // One migrator at a time across replicas (the telemetry schema uses 741200).
    await client.query('SELECT pg_advisory_lock(741205)');
    try {
      await client.query(HEALTH_SCHEMA_SQL);
    } finally {
      await client.query('SELECT pg_advisory_unlock(741205)');
    }
  } finally {
    client.release();
  }
}
