import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { fieldError } from '../../lib/errors';
import { exec } from '../../lib/exec';
import { Redactor } from '../../lib/redact';
import { examples } from './failback.examples';
import { DEFAULT_MAX_LAG_SECONDS, failoverOutput, type FailoverActionOptions } from './failover';
import { performFailover, preCheck, type WriterRouter } from './failoverCore';
import { clientConfig, libpqEnv, resolveInstance, withClient, type PgInstance } from './instances';
import { KubernetesServiceRouter } from './serviceRouter';
import { dryRunField } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

type Local = NonNullable<PgInstance['local']>;

/** Runs a server tool as the data directory's owner (pg_ctl and pg_rewind refuse root). */
function serverTool(local: Local, bin: string, args: string[], env: NodeJS.ProcessEnv, scrub: (t: string) => string, signal?: AbortSignal) {
  const full = path.join(local.binDir, bin);
  const asUser = local.osUser && process.getuid?.() === 0;
  return exec(asUser ? 'runuser' : full, asUser ? ['-u', local.osUser!, '--', full, ...args] : args, { env, scrub, signal });
}

/** Config files pg_rewind would overwrite with the source's (ports, hba): kept and put back. */
const OWN_FILES = ['postgresql.conf', 'pg_hba.conf', 'pg_ident.conf'];

async function state(i: PgInstance): Promise<{ recovery: boolean; streaming: boolean } | undefined> {
  try {
    return await withClient({ ...clientConfig(i), connectionTimeoutMillis: 3000 }, async c => {
      const r = (
        await c.query<{ rec: boolean; st: string | null }>(
          `SELECT pg_is_in_recovery() AS rec, (SELECT status FROM pg_stat_wal_receiver) AS st`,
        )
      ).rows[0];
      return { recovery: r.rec, streaming: r.st === 'streaming' };
    });
  } catch {
    return undefined;
  }
}

/** Stops the old primary, rewinds it (or takes a base backup) from the current one, drops the fence and starts it as a standby. */
async function rebuild(old: PgInstance, current: PgInstance, local: Local, tools: { scrub: (t: string) => string; logger: LoggerService; signal?: AbortSignal }) {
  const { scrub, logger, signal } = tools;
  const env = { ...libpqEnv(current), PGDATABASE: current.database };
  await serverTool(local, 'pg_ctl', ['-D', local.dataDirectory, '-m', 'fast', '-w', 'stop'], env, scrub, signal).catch(e => {
    if (!/Is server running\?|not running/i.test(String(e))) throw e;
  });
  logger.info(`Stopped ${old.name}`);
  const kept: Record<string, string> = {};
  for (const f of OWN_FILES) {
    kept[f] = await fs.readFile(path.join(local.dataDirectory, f), 'utf8').catch(() => '');
  }
  const source = `host=${current.host} port=${current.port} user=${current.user} dbname=${current.database}`;
  let how = 'pg_rewind';
  try {
    await serverTool(local, 'pg_rewind', ['-D', local.dataDirectory, `--source-server=${source}`, '-R'], env, scrub, signal);
  } catch (e) {
    logger.warn(`pg_rewind failed (${scrub(String(e)).slice(0, 300)}); rebuilding with pg_basebackup`);
    const aside = `${local.dataDirectory}.pre-failback-${Date.now()}`;
    await fs.rename(local.dataDirectory, aside);
    await serverTool(local, 'pg_basebackup', ['-D', local.dataDirectory, '-R', '-X', 'stream', '-c', 'fast'], env, scrub, signal);
    logger.info(`The old data directory is kept at ${aside}`);
    how = 'pg_basebackup';
  }
  for (const f of OWN_FILES) if (kept[f]) await fs.writeFile(path.join(local.dataDirectory, f), kept[f]);
  const auto = path.join(local.dataDirectory, 'postgresql.auto.conf');
  const text = await fs.readFile(auto, 'utf8');
  await fs.writeFile(auto, text.split('\n').filter(l => !/^\s*default_transaction_read_only\b/.test(l)).join('\n'));
  await serverTool(local, 'pg_ctl', ['-D', local.dataDirectory, '-l', local.logFile, '-w', '-t', '120', 'start'], env, scrub, signal);
  for (let i = 0; ; i++) {
    const s = await state(old);
    if (s?.recovery && s.streaming) break;
    if (i > 600) throw new Error(`${old.name} started but does not stream from ${current.name} after 60 s; see ${local.logFile}`);
    await new Promise(r => setTimeout(r, 100));
  }
  logger.info(`${old.name} rebuilt with ${how} and streams from ${current.name}`);
  return { rebuiltWith: how };
}

/**
 * plant:postgres:failback: rebuilds the fenced old primary as a streaming
 * standby of the new one (pg_rewind, or pg_basebackup when rewinding fails)
 * and, when asked, switches back with the failover steps.
 */
export function createPostgresFailbackAction(options: FailoverActionOptions) {
  const { config, auditor, catalog } = options;
  return createTemplateAction({
    id: 'plant:postgres:failback',
    description:
      'After a failover: rebuilds the old primary as a streaming standby of the new primary (pg_rewind, falling back to pg_basebackup) and, with switchBack, fails over to it again.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        dryRun: dryRunField,
        oldPrimary: z =>
          z.string().describe('Catalog Resource (type database) of the old, fenced primary; needs plant.postgres.instances[].local'),
        newPrimary: z => z.string().describe('Catalog Resource (type database) of the current primary'),
        switchBack: z => z.boolean().optional().describe('After the rebuild, fail over to the old primary again'),
        maxLagSeconds: z => z.number().positive().optional().describe('RPO bound for the switch back (default 900 s)'),
        catchUpSeconds: z => z.number().min(0).max(600).optional().describe('Switch back: wait this long for replay to the fence (default 30)'),
        writers: z =>
          z
            .object({
              cluster: z.string(),
              namespace: z.string(),
              service: z.string(),
              selector: z.record(z.string()).describe("Labels of the old primary's pods"),
            })
            .optional()
            .describe("Switch back: repoint the writers' Kubernetes Service"),
      },
      output: {
        rebuiltWith: z => z.string().describe('pg_rewind, pg_basebackup, or already-standby'),
        standbyOf: z => z.string().describe('The server the old primary now streams from (before any switch back)'),
        switchedBack: z => z.boolean().describe('Whether the old primary is the primary again'),
        ...failoverOutput,
        newPrimary: z => z.string().optional().describe('The primary after a switch back'),
        timelineBefore: z => z.number().optional(),
        timelineAfter: z => z.number().optional(),
        rtoSeconds: z => z.number().optional().describe('Switch back RTO'),
        lostWalBytes: z => z.number().nullable().optional(),
        fencedLsn: z => z.string().nullable().optional(),
        standbyReplayLsn: z => z.string().optional(),
        repointed: z => z.string().optional(),
        probeWrite: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      const op = await startOperation(ctx, auditor, async credentials => {
        const old = await resolveInstance({ catalog, config }, credentials, 'oldPrimary', ctx.input.oldPrimary);
        const current = await resolveInstance({ catalog, config }, credentials, 'newPrimary', ctx.input.newPrimary);
        if (old.name === current.name) throw fieldError('newPrimary', 'is the same as oldPrimary', 'Name the server that was promoted');
        const local = old.local;
        if (!local) {
          throw fieldError('oldPrimary', `${old.name} has no local data directory configured`, `Set plant.postgres.instances[name=${old.name}].local.dataDirectory (the backend must run next to that server)`);
        }
        let router: WriterRouter | undefined;
        if (ctx.input.writers) {
          if (!ctx.input.switchBack) throw fieldError('writers', 'only applies to a switch back', 'Set switchBack: true or leave writers out');
          if (!options.kube) throw fieldError('writers', 'this portal has no Kubernetes access configured', 'Configure the cluster, or leave writers out');
          router = await KubernetesServiceRouter.create(options.kube, ctx.input.writers, credentials);
        }
        return { id: `${old.ref} <- ${current.ref}`, old, current, local, router };
      });
      const { old, current, local, router } = op.target;
      const { dryRun } = op;
      const redactor = new Redactor();
      redactor.add(old.password);
      redactor.add(current.password);
      const scrub = (t: string) => redactor.text(t);
      const logger = redactor.logger(ctx.logger);

      await op.run('plant:postgres:failback', { switchBack: Boolean(ctx.input.switchBack) }, async (): Promise<JsonObject> => {
        try {
          const cur = await state(current);
          if (!cur) throw fieldError('newPrimary', `${current.name} cannot be reached`, 'Fail back only while the current primary is up');
          if (cur.recovery) throw fieldError('newPrimary', `${current.name} is in recovery, not a primary`, 'Name the promoted server');
          const before = await state(old);
          const already = Boolean(before?.recovery && before.streaming);
          const plan = already
            ? [`${old.name} already streams as a standby: no rebuild`]
            : [
                `stop ${old.name} (pg_ctl stop -m fast, ${local.dataDirectory})`,
                `pg_rewind ${local.dataDirectory} from ${current.name} with -R (pg_basebackup if rewinding fails), keeping ${OWN_FILES.join(', ')}; drop the read-only fence`,
                `start ${old.name} and wait until it streams from ${current.name}`,
              ];
          if (ctx.input.switchBack) plan.push(`switch back: fail over ${current.name} -> ${old.name}${router ? `, ${router.describe()}` : ''}`);
          if (dryRun) {
            for (const p of plan) logger.info(`[dry run] ${p}`);
            ctx.output('plan', plan);
            return { plan };
          }
          const key = (k: string) => `postgres-failback:${old.name}:${current.name}:${k}`;
          const rebuilt = already
            ? { rebuiltWith: 'already-standby' }
            : await ctx.checkpoint({ key: key('rebuild'), fn: () => rebuild(old, current, local, { scrub, logger, signal: ctx.signal }) });

          ctx.output('rebuiltWith', rebuilt.rebuiltWith);
          ctx.output('standbyOf', current.name);
          let switched: JsonObject = {};
          if (ctx.input.switchBack) {
            const pre = await preCheck(current, old, ctx.input.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS, false);
            const result = await performFailover({
              primary: current,
              standby: old,
              pre,
              router,
              catchUpSeconds: ctx.input.catchUpSeconds ?? 30,
              checkpoint: (k, fn) => ctx.checkpoint({ key: key(`switch-back:${k}`), fn: fn as any }) as any,
              logger,
              signal: ctx.signal,
              taskId: ctx.task.id,
            });
            for (const [k, v] of Object.entries(result)) ctx.output(k as any, v as any);
            logger.info(`Switched back to ${old.name}: RTO ${result.rtoSeconds} s, WAL lost ${result.lostWalBytes ?? 'unknown'} bytes; ${current.name} is fenced, run failback for it to rebuild it as a standby`);
            switched = result;
          }
          ctx.output('switchedBack', Boolean(ctx.input.switchBack));
          ctx.output('plan', plan);
          return { ...rebuilt, switchedBack: Boolean(ctx.input.switchBack), ...switched };
        } catch (e) {
          throw redactor.error(e);
        }
      });
    },
  });
}
