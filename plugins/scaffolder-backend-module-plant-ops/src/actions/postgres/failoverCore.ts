import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import { fieldError } from '../../lib/errors';
import { clientConfig, withClient, type PgInstance } from './instances';

/** Moves the writers' endpoint (a Kubernetes Service selector, a DNS record) to the new primary. */
export interface WriterRouter {
  describe(): string;
  /** What it points at now, for plans. */
  current(): Promise<string>;
  /** Points it at the new primary; returns what changed. */
  repoint(signal?: AbortSignal): Promise<string>;
}

export interface PreCheck extends JsonObject {
  primaryReachable: boolean;
  primaryLsn: string | null;
  standbyReplayLsn: string;
  lagBytes: number | null;
  lagSeconds: number;
  standbyTimeline: number;
}

/** Checkpoints of one failover, so a retried task resumes after the last finished step. */
export type Checkpoint = <T extends JsonObject | void>(key: string, fn: () => Promise<T>) => Promise<T>;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason ?? new Error('aborted'));
    }, { once: true });
  });

async function tryQuery<T>(i: PgInstance, sql: string): Promise<T | undefined> {
  try {
    return await withClient({ ...clientConfig(i), connectionTimeoutMillis: 3000 }, async c => (await c.query(sql)).rows[0] as T);
  } catch {
    return undefined;
  }
}

/** Pre-checks of the MS5.0 guide: standby in recovery, replay running, lag within the RPO, same system as the primary. */
export async function preCheck(primary: PgInstance, standby: PgInstance, maxLagSeconds: number, allowUnreachablePrimary: boolean): Promise<PreCheck> {
  const s = await withClient(clientConfig(standby), async c =>
    (
      await c.query(`SELECT pg_is_in_recovery() AS rec,
                CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS paused,
                pg_last_wal_replay_lsn()::text AS replay,
                EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS since_replay,
                (SELECT timeline_id FROM pg_control_checkpoint()) AS tli,
                (SELECT system_identifier::text FROM pg_control_system()) AS sysid`)
    ).rows[0],
  );
  if (!s.rec) throw fieldError('standby', `${standby.name} is not in recovery (it is a primary already)`, 'Pick the streaming standby of the primary');
  if (s.paused) throw fieldError('standby', `WAL replay is paused on ${standby.name}`, 'Resume it with SELECT pg_wal_replay_resume() and run again');
  const p = await tryQuery<{ rec: boolean; lsn: string; sysid: string; lag: number | null; lag_bytes: string | null }>(
    primary,
    `SELECT pg_is_in_recovery() AS rec, pg_current_wal_lsn()::text AS lsn,
            (SELECT system_identifier::text FROM pg_control_system()) AS sysid,
            (SELECT max(EXTRACT(epoch FROM replay_lag))::float8 FROM pg_stat_replication) AS lag,
            NULL AS lag_bytes`,
  );
  if (!p && !allowUnreachablePrimary) {
    throw fieldError('allowUnreachablePrimary', `the primary ${primary.name} cannot be reached, so it cannot be fenced`, 'Make sure it is down for good, then set allowUnreachablePrimary: true');
  }
  if (p?.rec) throw fieldError('primary', `${primary.name} is in recovery, not a primary`, 'Name the current primary');
  if (p && p.sysid !== s.sysid) {
    throw fieldError('standby', `${standby.name} is not a copy of ${primary.name} (system identifiers differ)`, 'Pick the standby that replicates from this primary');
  }
  let lagBytes: number | null = null;
  let lagSeconds: number;
  if (p) {
    lagBytes = Number(
      (await withClient(clientConfig(standby), c => c.query(`SELECT pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::float8 AS d`, [p.lsn]))).rows[0].d,
    );
    // Caught up means no lag, however long ago the last transaction was; else the primary's measure.
    lagSeconds = lagBytes <= 0 ? 0 : p.lag ?? s.since_replay ?? Infinity;
  } else {
    lagSeconds = s.since_replay ?? Infinity;
  }
  if (!Number.isFinite(lagSeconds)) {
    throw fieldError(
      'maxLagSeconds',
      `${standby.name} is ${lagBytes ?? 'an unknown number of'} bytes behind and how long ago it last replayed is unknown, so the RPO bound of ${maxLagSeconds} s cannot be checked`,
      'Check its WAL receiver (pg_stat_wal_receiver) and wait until it streams',
    );
  }
  if (lagSeconds > maxLagSeconds) {
    throw fieldError('maxLagSeconds', `${standby.name} is ${Math.round(lagSeconds)} s behind, more than the RPO bound of ${maxLagSeconds} s`, 'Wait for it to catch up, or raise maxLagSeconds if losing that much is accepted');
  }
  return { primaryReachable: Boolean(p), primaryLsn: p?.lsn ?? null, standbyReplayLsn: s.replay, lagBytes, lagSeconds, standbyTimeline: Number(s.tli) };
}

export interface FailoverResult extends JsonObject {
  newPrimary: string;
  fencedLsn: string | null;
  standbyReplayLsn: string;
  lostWalBytes: number | null;
  timelineBefore: number;
  timelineAfter: number;
  rtoSeconds: number;
  repointed: string;
  probeWrite: string;
}

/**
 * Fence, catch up, promote, verify, repoint, write. RTO runs from the moment
 * writes stop on the old primary to the verified write on the new one.
 */
export async function performFailover(opts: {
  primary: PgInstance;
  standby: PgInstance;
  pre: PreCheck;
  router?: WriterRouter;
  catchUpSeconds: number;
  checkpoint: Checkpoint;
  logger: LoggerService;
  signal?: AbortSignal;
  taskId: string;
}): Promise<FailoverResult> {
  const { primary, standby, pre, router, checkpoint, logger, signal } = opts;

  const fence = await checkpoint('fence', async () => {
    const fencedAt = Date.now();
    if (!pre.primaryReachable) return { fencedAt, fencedLsn: null as string | null };
    const lsn = await withClient(clientConfig(primary), async c => {
      await c.query('ALTER SYSTEM SET default_transaction_read_only = on');
      await c.query('SELECT pg_reload_conf()');
      const killed = await c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      logger.info(`Fenced ${primary.name}: default_transaction_read_only = on, ${killed.rowCount} client sessions ended`);
      return (await c.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn;
    });
    return { fencedAt, fencedLsn: lsn as string | null };
  });

  // Let the standby replay what the old primary wrote up to the fence, so a planned switchover loses nothing.
  let replay = pre.standbyReplayLsn;
  let lost: number | null = null;
  const deadline = Date.now() + opts.catchUpSeconds * 1000;
  for (;;) {
    const r = (await withClient(clientConfig(standby), c =>
      c.query<{ replay: string; behind: number | null }>(
        `SELECT pg_last_wal_replay_lsn()::text AS replay,
                CASE WHEN $1::text IS NULL THEN NULL ELSE greatest(pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()), 0)::float8 END AS behind`,
        [fence.fencedLsn],
      ),
    )).rows[0];
    replay = r.replay ?? replay;
    lost = r.behind;
    if (lost === null || lost === 0 || Date.now() > deadline) break;
    await sleep(100, signal);
  }
  if (lost) logger.warn(`${standby.name} is still ${lost} bytes of WAL behind the fence after ${opts.catchUpSeconds} s; promoting anyway`);

  const promoted = await checkpoint('promote', async () => {
    signal?.throwIfAborted();
    return withClient({ ...clientConfig(standby), statement_timeout: 120_000 }, async c => {
      const ok = (await c.query<{ ok: boolean }>('SELECT pg_promote(wait => true, wait_seconds => 60) AS ok')).rows[0].ok;
      if (!ok) throw new Error(`pg_promote on ${standby.name} did not finish within 60 s`);
      const r = (
        await c.query<{ rec: boolean; tli: number }>(
          `SELECT pg_is_in_recovery() AS rec, ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS tli`,
        )
      ).rows[0];
      if (r.rec) throw new Error(`${standby.name} is still in recovery after pg_promote`);
      if (r.tli <= pre.standbyTimeline) throw new Error(`${standby.name} did not start a new timeline (still ${r.tli})`);
      logger.info(`Promoted ${standby.name}: left recovery, timeline ${pre.standbyTimeline} -> ${r.tli}`);
      return { timelineAfter: r.tli };
    });
  });

  const repointed = await checkpoint('repoint', async () => {
    if (!router) return { repointed: 'no writer endpoint configured: writers must find the new primary themselves' };
    const what = await router.repoint(signal);
    logger.info(`Repointed writers: ${what}`);
    return { repointed: what };
  });

  const probe = await checkpoint('verify-write', async () => {
    const row = await withClient(clientConfig(standby), async c => {
      await c.query(
        'CREATE TABLE IF NOT EXISTS plantops_failover_probe (at timestamptz NOT NULL DEFAULT now(), task text NOT NULL, new_primary text NOT NULL)',
      );
      return (
        await c.query<{ at: Date }>('INSERT INTO plantops_failover_probe (task, new_primary) VALUES ($1, $2) RETURNING at', [opts.taskId, standby.name])
      ).rows[0];
    });
    const writableAt = Date.now();
    logger.info(`Write verified on ${standby.name} (plantops_failover_probe)`);
    return { probeWrite: `INSERT into plantops_failover_probe on ${standby.name} at ${row.at.toISOString()}`, writableAt };
  });

  return {
    newPrimary: standby.name,
    fencedLsn: fence.fencedLsn,
    standbyReplayLsn: replay,
    lostWalBytes: lost,
    timelineBefore: pre.standbyTimeline,
    timelineAfter: promoted.timelineAfter,
    rtoSeconds: Math.round((probe.writableAt - fence.fencedAt) / 10) / 100,
    repointed: repointed.repointed,
    probeWrite: probe.probeWrite,
  };
}
