import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { Redactor } from '../../lib/redact';
import { examples } from './failover.examples';
import { performFailover, preCheck, type WriterRouter } from './failoverCore';
import { resolveInstance } from './instances';
import type { KubeAccess } from '../../lib/kubeAccess';
import { KubernetesServiceRouter } from './serviceRouter';
import { dryRunField } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export interface FailoverActionOptions extends PlantOpsDeps {
  /** Cluster access for the writers' Service; without it `writers` is refused. */
  kube?: KubeAccess;
}

/** Default RPO bound: the MS5.0 guide's 15 minutes. */
export const DEFAULT_MAX_LAG_SECONDS = 900;

export const failoverOutput = {
  newPrimary: (z: any) => z.string().describe('The promoted server (catalog name)'),
  timelineBefore: (z: any) => z.number().describe("Standby's timeline before promotion"),
  timelineAfter: (z: any) => z.number().describe('Timeline after promotion (higher)'),
  rtoSeconds: (z: any) => z.number().describe('Measured: from writes stopped on the old primary to a verified write on the new one'),
  lostWalBytes: (z: any) =>
    z.number().nullable().describe("WAL the standby had not replayed at promotion (pg_wal_lsn_diff of the old primary's last LSN and the replay LSN); null when the old primary was unreachable"),
  fencedLsn: (z: any) => z.string().nullable().describe("Old primary's last LSN after fencing"),
  standbyReplayLsn: (z: any) => z.string().describe("Standby's replay LSN at promotion"),
  repointed: (z: any) => z.string().describe('What the writers were repointed with'),
  probeWrite: (z: any) => z.string().describe('The write that verified the new primary'),
  plan: (z: any) => z.array(z.string()).describe('Steps taken, or in a dry run the steps it would take'),
};

/**
 * plant:postgres:failover: promotes the streaming standby after the MS5.0
 * guide's pre-checks, fencing the old primary first, and reports RTO and WAL lost.
 */
export function createPostgresFailoverAction(options: FailoverActionOptions) {
  const { config, auditor, catalog } = options;
  return createTemplateAction({
    id: 'plant:postgres:failover',
    description:
      'Fails a PostgreSQL primary over to its streaming standby: pre-checks (in recovery, replay running, lag within the RPO), fences the old primary read-only, pg_promote, verifies the new timeline, repoints the writers, verifies a write, reports RTO and WAL lost.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        dryRun: dryRunField,
        primary: z => z.string().describe('Catalog Resource (type database) of the current primary'),
        standby: z => z.string().describe('Catalog Resource (type database) of its streaming standby, promoted'),
        maxLagSeconds: z =>
          z.number().positive().optional().describe('RPO bound: refuse when the standby is further behind (default 900 s, the MS5.0 guide)'),
        catchUpSeconds: z =>
          z.number().min(0).max(600).optional().describe('After fencing, wait this long for the standby to replay the rest (default 30)'),
        allowUnreachablePrimary: z =>
          z.boolean().optional().describe('Promote although the primary cannot be reached to fence it (only when it is down for good)'),
        writers: z =>
          z
            .object({
              cluster: z.string().describe('Catalog Resource (type kubernetes-cluster)'),
              namespace: z.string(),
              service: z.string().describe('The Service the writers connect to'),
              selector: z.record(z.string()).describe("Labels of the new primary's pods"),
            })
            .optional()
            .describe("Repoint the writers' Kubernetes Service to the new primary"),
      },
      output: failoverOutput,
    },
    async handler(ctx) {
      const op = await startOperation(ctx, auditor, async credentials => {
        const primary = await resolveInstance({ catalog, config }, credentials, 'primary', ctx.input.primary);
        const standby = await resolveInstance({ catalog, config }, credentials, 'standby', ctx.input.standby);
        if (primary.name === standby.name) throw fieldError('standby', 'is the same as primary', 'Pick the standby server');
        let router: WriterRouter | undefined;
        if (ctx.input.writers) {
          if (!options.kube) throw fieldError('writers', 'this portal has no Kubernetes access configured', 'Configure the cluster, or leave writers out');
          router = await KubernetesServiceRouter.create(options.kube, ctx.input.writers, credentials);
        }
        return { id: `${primary.ref} -> ${standby.ref}`, primary, standby, router };
      });
      const { primary, standby, router } = op.target;
      const { dryRun } = op;
      const maxLag = ctx.input.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS;
      const redactor = new Redactor();
      redactor.add(primary.password);
      redactor.add(standby.password);
      const logger = redactor.logger(ctx.logger);

      await op.run('plant:postgres:failover', {}, async (): Promise<JsonObject> => {
        try {
          const pre = await preCheck(primary, standby, maxLag, Boolean(ctx.input.allowUnreachablePrimary));
          const plan = [
            `pre-checks passed: ${standby.name} in recovery, replay running, lag ${pre.lagSeconds.toFixed(1)} s (${pre.lagBytes ?? '?'} bytes) within ${maxLag} s`,
            pre.primaryReachable
              ? `fence ${primary.name}: ALTER SYSTEM SET default_transaction_read_only = on, reload, end client sessions`
              : `${primary.name} unreachable: not fenced (allowUnreachablePrimary)`,
            `wait up to ${ctx.input.catchUpSeconds ?? 30} s for ${standby.name} to replay to the fence`,
            `SELECT pg_promote(wait => true) on ${standby.name}; verify out of recovery and timeline above ${pre.standbyTimeline}`,
            router ? `repoint writers: ${await router.current()} -> ${router.describe()}` : 'no writer endpoint to repoint',
            `verify a write on ${standby.name} (plantops_failover_probe)`,
          ];
          if (dryRun) {
            for (const p of plan) logger.info(`[dry run] ${p}`);
            ctx.output('plan', plan);
            return { plan, preCheck: pre };
          }
          const result = await performFailover({
            primary,
            standby,
            pre,
            router,
            catchUpSeconds: ctx.input.catchUpSeconds ?? 30,
            checkpoint: (key, fn) => ctx.checkpoint({ key: `postgres-failover:${primary.name}:${standby.name}:${key}`, fn: fn as any }) as any,
            logger,
            signal: ctx.signal,
            taskId: ctx.task.id,
          });
          logger.info(`Failover done: RTO ${result.rtoSeconds} s, WAL lost ${result.lostWalBytes ?? 'unknown'} bytes; ${primary.name} stays fenced until plant:postgres:failback rebuilds it`);
          for (const [k, v] of Object.entries(result)) ctx.output(k as any, v as any);
          ctx.output('plan', plan);
          return result;
        } catch (e) {
          throw redactor.error(e);
        }
      });
    },
  });
}
