import { ArgoCdSyncError, describeApp } from '@plantops/backstage-plugin-plant-node';
import { fieldError } from '../../lib/errors';
import { createAppAction, lastDeployment, type ArgocdActionOptions } from './app';
import { examples } from './sync.examples';

/** plant:argocd:sync: `argocd app sync` + `argocd app wait --sync --health`. */
export function createArgocdSyncAction(options: ArgocdActionOptions) {
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createAppAction(options, {
    id: 'plant:argocd:sync',
    description:
      "Syncs an ArgoCD application through its REST API and waits until it is Synced and Healthy; a failed operation, a Degraded app or a timeout fails the step with the app's state and conditions.",
    examples,
    input: {
      revision: z => z.string().optional().describe("Git revision (commit, tag or branch) to sync to (default: the application's target revision)"),
      prune: z => z.boolean().default(false).describe('Delete resources that are no longer in Git'),
      timeoutSeconds: z => z.number().int().min(1).max(3600).default(600).describe('How long to wait for Synced and Healthy'),
    },
    output: {
      revisionAfter: z => z.string().describe('Revision deployed after the sync (in a dry run: the one requested, or empty for the target revision)'),
      syncStatus: z => z.string().describe('Sync status at the end (Synced, OutOfSync)'),
      healthStatus: z => z.string().describe('Health status at the end (Healthy, Progressing, Degraded, ...)'),
      historyId: z => z.number().describe('ArgoCD history id of this deployment (for plant:argocd:rollback); -1 in a dry run'),
    },
    check(input) {
      if (input.revision !== undefined && !/^[\w./-]{1,255}$/.test(input.revision)) {
        throw fieldError('revision', `"${input.revision}" is not a Git revision`, 'Give a commit SHA, tag or branch name');
      }
    },
    async run(op, input, ctx) {
      const { client, appName, app } = op.target;
      const revisionBefore = app.status?.sync?.revision ?? '';
      const wanted = input.revision ?? app.spec.source?.targetRevision ?? 'HEAD';
      await op.audit('plant:argocd:sync', { revision: input.revision ?? '', prune: input.prune }, {
        plan: () => {
          ctx.logger.info(`[dry run] would sync ${appName} on ArgoCD ${client.name} to ${wanted}${input.prune ? ' with prune' : ''} (now: ${describeApp(app)}), then wait up to ${input.timeoutSeconds} s for Synced and Healthy`);
          ctx.output('revisionAfter', input.revision ?? '');
          ctx.output('syncStatus', app.status?.sync?.status ?? 'Unknown');
          ctx.output('healthStatus', app.status?.health?.status ?? 'Unknown');
          ctx.output('historyId', -1);
          return { planned: `sync to ${wanted}` };
        },
        apply: async () => {
          if (app.status?.operationState?.phase === 'Running') {
            throw new Error(`another operation is already running on ${appName}: ${describeApp(app)}. Wait for it to finish (or terminate it in ArgoCD), then run the step again; nothing was changed`);
          }
          // one sync per task: a retry waits for the operation it started
          const startedAt = await op.once(`argocd-sync:${op.target.id}:${input.revision ?? ''}`, `syncing ${appName}`, async () => {
            const started = await client.sync(appName, { revision: input.revision, prune: input.prune });
            ctx.logger.info(`Started a sync of ${appName} on ArgoCD ${client.name} to ${wanted}${input.prune ? ' with prune' : ''}`);
            return started.status?.operationState?.startedAt ?? '';
          });
          let done;
          try {
            done = await client.waitForSync(appName, { timeoutMs: input.timeoutSeconds * 1000, intervalMs: pollIntervalMs, signal: ctx.signal, startedAfter: startedAt || undefined });
          } catch (e) {
            if (e instanceof ArgoCdSyncError) {
              ctx.output('syncStatus', e.app.status?.sync?.status ?? 'Unknown');
              ctx.output('healthStatus', e.app.status?.health?.status ?? 'Unknown');
              const before = [...(e.app.status?.history ?? [])].reverse().find(h => h.revision === revisionBefore);
              const fix = before ? ` To go back to what ran before, run plant:argocd:rollback with historyId ${before.id}.` : '';
              throw new Error(`${e.message}. The sync of ${appName} to ${wanted} was started at ${startedAt} (revision before: ${revisionBefore || 'none'}).${fix}`);
            }
            throw e;
          }
          const last = lastDeployment(done);
          const revisionAfter = done.status?.sync?.revision ?? '';
          ctx.logger.info(`${appName} is ${done.status?.sync?.status} and ${done.status?.health?.status} at ${revisionAfter}`);
          ctx.output('revisionAfter', revisionAfter);
          ctx.output('syncStatus', done.status?.sync?.status ?? 'Unknown');
          ctx.output('healthStatus', done.status?.health?.status ?? 'Unknown');
          ctx.output('historyId', last?.id ?? -1);
          return { revisionBefore, revisionAfter, historyId: last?.id ?? -1 };
        },
      });
    },
  });
}
