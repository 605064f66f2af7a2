import type { Pool } from 'pg';
import type { EntityHealth, HealthChange, HealthReason, HealthStatus } from '@plantops/backstage-plugin-plant-common';

export interface HealthResult {
  entityRef: string;
  status: HealthStatus;
  reasons: HealthReason[];
  derived: boolean;
}

const toHealth = (r: any): EntityHealth => ({
  entityRef: r.entity_ref,
  status: r.status,
  reasons: r.reasons,
  since: r.since.toISOString(),
  checkedAt: r.checked_at.toISOString(),
  derived: r.derived,
});

/** Current health per entity and its changes, in PostgreSQL. */
export class HealthStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Stores a sweep's results at `at`. A status change moves `since` and adds a
   * history row; the same status only updates reasons and checked_at.
   * Resolves to the results whose status changed, with their previous status.
   */
  async record(results: HealthResult[], at: Date): Promise<(HealthResult & { previous: HealthStatus | null })[]> {
    if (results.length === 0) return [];
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const refs = results.map(r => r.entityRef);
      const prev = await client.query(
        'SELECT entity_ref, status FROM plant_health_current WHERE entity_ref = ANY($1) FOR UPDATE',
        [refs],
      );
      const before = new Map<string, HealthStatus>(prev.rows.map(r => [r.entity_ref, r.status]));
      const changed = results
        .filter(r => before.get(r.entityRef) !== r.status)
        .map(r => ({ ...r, previous: before.get(r.entityRef) ?? null }));
      // One statement per table, set-based: a sweep may carry thousands of entities.
      await client.query(
        `INSERT INTO plant_health_current (entity_ref, status, reasons, since, checked_at, derived)
         SELECT r.entity_ref, r.status, r.reasons, $2, $2, r.derived
         FROM jsonb_to_recordset($1::jsonb) AS r(entity_ref text, status text, reasons jsonb, derived boolean)
         ON CONFLICT (entity_ref) DO UPDATE SET
           since = CASE WHEN plant_health_current.status = EXCLUDED.status THEN plant_health_current.since ELSE EXCLUDED.since END,
           status = EXCLUDED.status, reasons = EXCLUDED.reasons, checked_at = EXCLUDED.checked_at, derived = EXCLUDED.derived`,
        [JSON.stringify(results.map(r => ({ entity_ref: r.entityRef, status: r.status, reasons: r.reasons, derived: r.derived }))), at],
      );
      if (changed.length > 0) {
        await client.query(
          `INSERT INTO plant_health_change (entity_ref, at, status, reasons)
           SELECT r.entity_ref, $2, r.status, r.reasons
           FROM jsonb_to_recordset($1::jsonb) AS r(entity_ref text, status text, reasons jsonb)
           ON CONFLICT (entity_ref, at) DO UPDATE SET status = EXCLUDED.status, reasons = EXCLUDED.reasons`,
          [JSON.stringify(changed.map(r => ({ entity_ref: r.entityRef, status: r.status, reasons: r.reasons }))), at],
        );
      }
      await client.query('COMMIT');
      return changed;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /** Forgets entities no longer in the catalog (their history ages out). */
  async forgetExcept(entityRefs: string[]): Promise<number> {
    const r = await this.pool.query('DELETE FROM plant_health_current WHERE NOT (entity_ref = ANY($1))', [entityRefs]);
    return r.rowCount ?? 0;
  }

  async current(entityRefs?: string[]): Promise<EntityHealth[]> {
    const r = entityRefs
      ? await this.pool.query('SELECT * FROM plant_health_current WHERE entity_ref = ANY($1) ORDER BY entity_ref', [entityRefs])
      : await this.pool.query('SELECT * FROM plant_health_current ORDER BY entity_ref');
    return r.rows.map(toHealth);
  }

  /** Changes of one entity since `since`, oldest first. */
  async history(entityRef: string, since: Date): Promise<HealthChange[]> {
    const r = await this.pool.query(
      'SELECT * FROM plant_health_change WHERE entity_ref = $1 AND at >= $2 ORDER BY at',
      [entityRef, since],
    );
    return r.rows.map(c => ({ entityRef: c.entity_ref, status: c.status, reasons: c.reasons, at: c.at.toISOString() }));
  }

  /** Drops changes older than the history window. */
  async prune(before: Date): Promise<number> {
    const r = await this.pool.query('DELETE FROM plant_health_change WHERE at < $1', [before]);
    return r.rowCount ?? 0;
  }

  /** Marks alert ids as seen; resolves to the ones never seen before. */
  async firstSeen(ids: string[], at: Date): Promise<string[]> {
    if (ids.length === 0) return [];
    const r = await this.pool.query(
      `INSERT INTO plant_alert_seen (id, first_seen, last_seen) SELECT unnest($1::text[]), $2, $2
       ON CONFLICT (id) DO UPDATE SET last_seen = EXCLUDED.last_seen
       RETURNING id, (xmax = 0) AS inserted`,
      [ids, at],
    );
    return r.rows.filter(x => x.inserted).map(x => x.id);
  }

  /** Forgets alerts not seen since `before`, so one that fires again later notifies again. */
  async pruneSeen(before: Date): Promise<void> {
    await this.pool.query('DELETE FROM plant_alert_seen WHERE last_seen < $1', [before]);
  }
}
