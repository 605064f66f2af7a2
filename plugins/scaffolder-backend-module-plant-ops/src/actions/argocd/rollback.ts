import type { JsonObject } from '@backstage/types';
import { ArgoCdError, ArgoCdSyncError, describeApp } from '@plantops/backstage-plugin-plant-node';
import { fieldError } from '../../lib/errors';
import { CancelledError } from '../../lib/wait';
import { createAppAction, type ArgocdActionOptions } from './app';
import { examples } from './rollback.examples';

/** plant:argocd:rollback: `argocd app rollback <app> <id>` + wait for Healthy. */
export function createArgocdRollbackAction(options: ArgocdActionOptions) {
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createAppAction(options, {
    id: 'plant:argocd:rollback',
    description:
      'Rolls an ArgoCD application back to a history id and waits until it is Healthy. ArgoCD refuses while automated sync is on: the step says so, or turns automated sync off first when disableAutoSync is set.',
    examples,
    input: {
      historyId: z => z.number().int().min(0).describe('ArgoCD history id to roll back to (argocd app history <app>)'),
      disableAutoSync: z =>
        z.boolean().default(false).describe('Turn automated sync off first when it is on (ArgoCD refuses a rollback otherwise); it stays off until re-enabled'),
      prune: z => z.boolean().default(false).describe('Delete resources that the old revision does not have'),
      timeoutSeconds: z => z.number().int().min(1).max(3600).default(600).describe('How long to wait for the rolled-back app to be Healthy'),
    },
    output: {
      revisionAfter: z => z.string().describe('Revision deployed after (in a dry run: the one it would deploy)'),
      historyId: z => z.number().describe('History id rolled back to'),
      autoSyncDisabled: z => z.boolean().describe('Whether this step turned automated sync off (re-enable it once Git holds the fix)'),
      healthStatus: z => z.string().describe('Health at the end'),
      syncStatus: z => z.string().describe('Sync status at the end (OutOfSync is expected: Git still holds the newer revision)'),
    },
    async run(op, input, ctx) {
      const { client, appName, app } = op.target;
      const history = app.status?.history ?? [];
      const entry = history.find(h => h.id === input.historyId);
      if (!entry) {
        throw fieldError(
          'historyId',
          `${appName} has no deployment with history id ${input.historyId}`,
          history.length ? `Use one of ${history.map(h => `${h.id} (${(h.revision ?? '').slice(0, 12)}, ${h.deployedAt ?? ''})`).join(', ')}` : 'The application has no history yet',
        );
      }
      const automated = app.spec.syncPolicy?.automated ?? undefined;
      if (automated && !input.disableAutoSync) {
        throw fieldError(
          'disableAutoSync',
          `${appName} has automated sync on, and ArgoCD refuses a rollback while it is (the next auto-sync would undo it)`,
          'Set disableAutoSync: true to turn it off for the rollback (it stays off until the fix is in Git), or revert the commit in Git and sync instead',
        );
      }
      const revisionBefore = app.status?.sync?.revision ?? '';
      ctx.output('historyId', entry.id);
      const plan = `roll ${appName} back from ${revisionBefore.slice(0, 12) || 'nothing'} to history id ${entry.id} (${(entry.revision ?? '').slice(0, 12)})`;

      await op.audit('plant:argocd:rollback', { historyId: entry.id, disableAutoSync: input.disableAutoSync }, {
        plan: () => {
          ctx.logger.info(`[dry run] would ${automated ? 'turn automated sync off, then ' : ''}${plan} on ArgoCD ${client.name}${input.prune ? ' with prune' : ''}, then wait up to ${input.timeoutSeconds} s for Healthy`);
          ctx.output('revisionAfter', entry.revision ?? '');
          ctx.output('autoSyncDisabled', false);
          ctx.output('healthStatus', app.status?.health?.status ?? 'Unknown');
          ctx.output('syncStatus', app.status?.sync?.status ?? 'Unknown');
          return { planned: plan };
        },
        apply: async () => {
          if (app.status?.operationState?.phase === 'Running') {
            throw new Error(`another operation is already running on ${appName}: ${describeApp(app)}. Wait for it to finish, then run the step again; nothing was changed`);
          }
          // returns the policy it turned off (kept for a retry, which no longer sees it on the app)
          const turnedOff = await op.once(`argocd-disable-autosync:${op.target.id}`, `turning automated sync of ${appName} off`, async (): Promise<JsonObject | null> => {
            if (!automated) return null;
            await client.setAutomatedSync(appName, null);
            ctx.logger.warn(`Turned automated sync of ${appName} off (was ${JSON.stringify(automated)}); re-enable it once Git holds the fix`);
            return { ...automated };
          });
          const disabled = turnedOff !== null;
          ctx.output('autoSyncDisabled', disabled);
          const changedSoFar = disabled ? ` Automated sync of ${appName} was turned off by this step (was ${JSON.stringify(turnedOff)}).` : '';
          const startedAt = await ctx.checkpoint({
            key: `argocd-rollback:${op.target.id}:${entry.id}`,
            fn: async () => {
              try {
                if (ctx.signal?.aborted) throw new CancelledError(`before rolling ${appName} back`);
                const started = await client.rollback(appName, entry.id, { prune: input.prune });
                ctx.logger.info(`Started the rollback of ${appName} to history id ${entry.id} (${entry.revision})`);
                return started.status?.operationState?.startedAt ?? '';
              } catch (e) {
                // the rollback did not start: put automated sync back, so the app is as it was
                if (turnedOff) {
                  await client.setAutomatedSync(appName, turnedOff);
                  ctx.logger.info(`Turned automated sync of ${appName} back on`);
                }
                const why = e instanceof ArgoCdError ? e.message : (e as Error).message;
                throw new Error(`${why}. Nothing was changed${disabled ? ' (automated sync was turned off and back on)' : ''}`);
              }
            },
          });
          let done;
          try {
            done = await client.waitForSync(appName, { timeoutMs: input.timeoutSeconds * 1000, intervalMs: pollIntervalMs, signal: ctx.signal, startedAfter: startedAt || undefined, expectSynced: false });
          } catch (e) {
            if (e instanceof ArgoCdSyncError) {
              ctx.output('healthStatus', e.app.status?.health?.status ?? 'Unknown');
              ctx.output('syncStatus', e.app.status?.sync?.status ?? 'Unknown');
              throw new Error(`${e.message}. The rollback of ${appName} to history id ${entry.id} (${entry.revision}) was started at ${startedAt}.${changedSoFar}`);
            }
            throw e;
          }
          const revisionAfter = done.status?.sync?.revision ?? '';
          ctx.logger.info(`${appName} runs ${revisionAfter} and is ${done.status?.health?.status} (${done.status?.sync?.status} against Git)`);
          ctx.output('revisionAfter', revisionAfter);
          ctx.output('healthStatus', done.status?.health?.status ?? 'Unknown');
          ctx.output('syncStatus', done.status?.sync?.status ?? 'Unknown');
          return { revisionBefore, revisionAfter, historyId: entry.id, autoSyncDisabled: disabled };
        },
      });
    },
  });
}
