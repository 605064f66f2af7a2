import type { Entity } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { ANNOTATION_PLANTOPS_POSTGRES } from '@plantops/backstage-plugin-plant-common';
import { Client, ClientConfig } from 'pg';
import type { Probe, ProbeResult } from './types';
import { notMonitored } from './types';

/** The guide's DatabaseConnectionHigh: connections active / max > 0.8. */
export const CONNECTIONS_HIGH_RATIO = 0.8;

export interface PostgresInstance {
  name: string;
  connection: ClientConfig;
}

/** `plant.postgres.instances` (shared with the plant-ops actions; credentials stay in app-config). */
export function postgresInstancesFrom(config: Config): PostgresInstance[] {
  return (config.getOptionalConfigArray('plant.postgres.instances') ?? []).map(c => ({
    name: c.getString('name'),
    connection: {
      host: c.getString('host'),
      port: c.getOptionalNumber('port') ?? 5432,
      user: c.getString('user'),
      password: c.getOptionalString('password'),
      database: c.getString('database'),
    },
  }));
}

export interface PostgresProbeOptions {
  /** Standby replay lag over this is degraded; default 30 s. */
  maxReplicationLagSeconds?: number;
}

/**
 * Reachability, connections used vs max_connections (over 80 % is degraded,
 * as DatabaseConnectionHigh), and replication lag: on a standby its own replay
 * lag, on a primary the replay lag of each standby in pg_stat_replication.
 */
export class PostgresProbe implements Probe {
  readonly name = 'postgres';
  readonly timeoutStatus = 'down' as const;
  private readonly byName: Map<string, PostgresInstance>;

  constructor(instances: PostgresInstance[], private readonly options: PostgresProbeOptions = {}) {
    this.byName = new Map(instances.map(i => [i.name, i]));
  }

  private instanceOf(entity: Entity) {
    return this.byName.get(entity.metadata.annotations?.[ANNOTATION_PLANTOPS_POSTGRES] ?? entity.metadata.name);
  }

  appliesTo(entity: Entity) {
    return Boolean(entity.metadata.annotations?.[ANNOTATION_PLANTOPS_POSTGRES]) || (entity.kind === 'Resource' && this.instanceOf(entity) !== undefined);
  }

  async run(entity: Entity, signal: AbortSignal): Promise<ProbeResult> {
    const instance = this.instanceOf(entity);
    if (!instance) {
      const name = entity.metadata.annotations?.[ANNOTATION_PLANTOPS_POSTGRES];
      return notMonitored(`${ANNOTATION_PLANTOPS_POSTGRES} ${name}, but no plant.postgres.instances entry named ${name}`);
    }
    const where = `${instance.connection.host}:${instance.connection.port}/${instance.connection.database}`;
    const client = new Client({ ...instance.connection, connectionTimeoutMillis: 10_000, statement_timeout: 5000 });
    // A late socket error after an abort must not crash the backend.
    client.on('error', () => undefined);
    const abort = () => void client.end().catch(() => undefined);
    signal.addEventListener('abort', abort, { once: true });
    try {
      try {
        await client.connect();
      } catch (e: any) {
        // pg's messages name host and user, never the password.
        return { status: 'down', message: `cannot connect to PostgreSQL ${where}: ${e.code ? `${e.code} ` : ''}${e.message}` };
      }
      const r = await client.query(`
        SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS used,
               current_setting('max_connections')::int AS max,
               pg_is_in_recovery() AS standby,
               CASE WHEN pg_is_in_recovery() THEN
                 CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                      ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END
               END::float AS own_lag_s`);
      const { used, max, standby, own_lag_s: ownLag } = r.rows[0];
      const maxLag = this.options.maxReplicationLagSeconds ?? 30;
      const ratio = used / max;
      const details: ProbeResult['details'] = { connections: used, maxConnections: max, standby, replicationLagSeconds: ownLag };
      const problems: string[] = [];
      if (ratio > CONNECTIONS_HIGH_RATIO) {
        problems.push(`${used} of ${max} connections used (${Math.round(ratio * 100)} %, DatabaseConnectionHigh is over 80 %)`);
      }
      if (standby && ownLag !== null && ownLag > maxLag) {
        problems.push(`standby replays ${ownLag.toFixed(0)} s behind its primary (over ${maxLag} s)`);
      }
      if (!standby) {
        const reps = await client.query(
          `SELECT application_name, state, extract(epoch FROM replay_lag)::float AS lag_s FROM pg_stat_replication`,
        );
        details.standbys = reps.rows.length;
        for (const s of reps.rows) {
          if (s.state !== 'streaming') problems.push(`standby ${s.application_name} is ${s.state}, not streaming`);
          else if (s.lag_s !== null && s.lag_s > maxLag) problems.push(`standby ${s.application_name} replays ${s.lag_s.toFixed(0)} s behind`);
        }
      }
      if (problems.length > 0) return { status: 'degraded', message: `${where}: ${problems.join('; ')}`, details };
      return {
        status: 'ok',
        message: `${where} (${standby ? 'standby' : 'primary'}): ${used} of ${max} connections${
          ownLag !== null ? `, replay lag ${ownLag.toFixed(1)} s` : ''
        }`,
        details,
      };
    } finally {
      signal.removeEventListener('abort', abort);
      await client.end().catch(() => undefined);
    }
  }
}
