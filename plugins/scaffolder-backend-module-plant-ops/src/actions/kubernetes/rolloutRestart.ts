import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { RESTARTED_AT_ANNOTATION, rolloutRestart, RolloutUndoError } from '@plantops/backstage-plugin-plant-node';
import { audited } from '../../lib/audit';
import { fieldError } from '../../lib/errors';
import { parseInput, type InputShape } from '../../lib/input';
import { describeKubeError } from '../../lib/kubeErrors';
import { examples } from './rolloutRestart.examples';
import type { KubernetesActionOptions } from './setImage';
import { awaitRollout, resolveWorkload, throwIfCancelled, workloadInput } from './target';

const inputShape = {
  ...workloadInput(['Deployment', 'StatefulSet', 'DaemonSet'] as const),
  wait: z => z.boolean().default(true).describe('Wait until every pod was replaced and is available'),
  timeoutSeconds: z => z.number().int().min(1).max(3600).default(600).describe('How long to wait for the rollout'),
} satisfies InputShape;

/** plant:kubernetes:rollout-restart: `kubectl rollout restart`. */
export function createRolloutRestartAction(options: KubernetesActionOptions) {
  const { auditor, kube, catalog } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createTemplateAction({
    id: 'plant:kubernetes:rollout-restart',
    description:
      'Restarts every pod of a Deployment, StatefulSet or DaemonSet as kubectl rollout restart does (stamps kubectl.kubernetes.io/restartedAt on the pod template), then waits for the rollout.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputShape,
      output: {
        cluster: z => z.string().describe('Cluster the workload runs on'),
        workload: z => z.string().describe('namespace/kind/name of the workload'),
        restartedAt: z => z.string().describe('The restartedAt stamp written (empty in a dry run)'),
        previousRestartedAt: z => z.string().describe('The stamp of the previous restart, if any'),
        replicas: z => z.number().describe('Replicas the workload runs'),
        rolloutMessage: z => z.string().describe("kubectl's last rollout status line (empty when not waiting)"),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputShape, ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const target = await resolveWorkload(input, { kube, catalog, credentials });
      const workload = `${target.namespace}/${target.kind.toLowerCase()}/${target.name}`;
      if (target.kind === 'Deployment' && target.workload.spec?.paused) {
        throw fieldError('name', `${workload} is paused`, "Resume it first (kubectl rollout resume); a paused Deployment does not restart its pods");
      }
      const previous = target.workload.spec?.template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] ?? '';
      const replicas = target.kind === 'DaemonSet' ? target.workload.status?.desiredNumberScheduled ?? 0 : target.workload.spec?.replicas ?? 1;
      ctx.output('cluster', target.cluster);
      ctx.output('workload', workload);
      ctx.output('previousRestartedAt', previous);
      ctx.output('replicas', replicas);

      await audited(
        auditor,
        { action: 'plant:kubernetes:rollout-restart', target: target.id, dryRun: Boolean(ctx.isDryRun), actor: ctx.user?.ref, taskId: ctx.task.id },
        async (): Promise<JsonObject> => {
          if (ctx.isDryRun) {
            ctx.logger.info(`[dry run] would restart the ${replicas} pods of ${workload} on ${target.cluster}${input.wait ? ` and wait up to ${input.timeoutSeconds} s` : ''}`);
            ctx.output('restartedAt', '');
            ctx.output('rolloutMessage', '');
            return { planned: `restart ${replicas} pods` };
          }
          // one restart per task: a retry returns the stamp already written
          const restartedAt = await ctx.checkpoint({
            key: `rollout-restart:${target.id}`,
            fn: async () => {
              throwIfCancelled(ctx.signal, `restarting ${workload}`);
              try {
                const r = await rolloutRestart(target.apps, target.kind, target.namespace, target.name);
                ctx.logger.info(`Restarted ${workload} on ${target.cluster} (restartedAt ${r.restartedAt})`);
                return r.restartedAt;
              } catch (e) {
                if (e instanceof RolloutUndoError) throw new Error(`${e.message}; nothing was changed`);
                throw new Error(describeKubeError(`restarting ${workload} (nothing was changed)`, e));
              }
            },
          });
          ctx.output('restartedAt', restartedAt);
          let rolloutMessage = '';
          if (input.wait) {
            const state = await awaitRollout(target, {
              timeoutSeconds: input.timeoutSeconds,
              pollIntervalMs,
              signal: ctx.signal,
              logger: ctx.logger,
              changed: `The restart was requested at ${restartedAt}; Kubernetes keeps replacing the pods.`,
            });
            rolloutMessage = state.message;
          }
          ctx.output('rolloutMessage', rolloutMessage);
          return { restartedAt, rolloutMessage };
        },
      );
    },
  });
}
