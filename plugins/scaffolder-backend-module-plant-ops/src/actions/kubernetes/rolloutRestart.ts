import { RESTARTED_AT_ANNOTATION, rolloutRestart, RolloutUndoError } from '@plantops/backstage-plugin-plant-node';
import { fieldError } from '../../lib/errors';
import { describeKubeError } from '../../lib/kubeErrors';
import { examples } from './rolloutRestart.examples';
import { awaitRollout, createWorkloadAction, type KubernetesActionOptions } from './target';

/** plant:kubernetes:rollout-restart: `kubectl rollout restart`. */
export function createRolloutRestartAction(options: KubernetesActionOptions) {
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createWorkloadAction(options, {
    id: 'plant:kubernetes:rollout-restart',
    description:
      'Restarts every pod of a Deployment, StatefulSet or DaemonSet as kubectl rollout restart does (stamps kubectl.kubernetes.io/restartedAt on the pod template), then waits for the rollout.',
    examples,
    kinds: ['Deployment', 'StatefulSet', 'DaemonSet'] as const,
    input: {
      wait: z => z.boolean().default(true).describe('Wait until every pod was replaced and is available'),
      timeoutSeconds: z => z.number().int().min(1).max(3600).default(600).describe('How long to wait for the rollout'),
    },
    output: {
      restartedAt: z => z.string().describe('The restartedAt stamp written (empty in a dry run)'),
      previousRestartedAt: z => z.string().describe('The stamp of the previous restart, if any'),
      replicas: z => z.number().describe('Replicas the workload runs'),
      rolloutMessage: z => z.string().describe("kubectl's last rollout status line (empty when not waiting)"),
    },
    async run(op, input, ctx, workload) {
      const { target } = op;
      if (target.kind === 'Deployment' && target.workload.spec?.paused) {
        throw fieldError('name', `${workload} is paused`, "Resume it first (kubectl rollout resume); a paused Deployment does not restart its pods");
      }
      const previous = target.workload.spec?.template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] ?? '';
      const replicas = target.kind === 'DaemonSet' ? target.workload.status?.desiredNumberScheduled ?? 0 : target.workload.spec?.replicas ?? 1;
      ctx.output('previousRestartedAt', previous);
      ctx.output('replicas', replicas);

      await op.audit('plant:kubernetes:rollout-restart', {}, {
        plan: () => {
          ctx.logger.info(`[dry run] would restart the ${replicas} pods of ${workload} on ${target.cluster}${input.wait ? ` and wait up to ${input.timeoutSeconds} s` : ''}`);
          ctx.output('restartedAt', '');
          ctx.output('rolloutMessage', '');
          return { planned: `restart ${replicas} pods` };
        },
        apply: async () => {
          // one restart per task: a retry returns the stamp already written
          const restartedAt = await op.once(`rollout-restart:${target.id}`, `restarting ${workload}`, async () => {
            try {
              const r = await rolloutRestart(target.apps, target.kind, target.namespace, target.name);
              ctx.logger.info(`Restarted ${workload} on ${target.cluster} (restartedAt ${r.restartedAt})`);
              return r.restartedAt;
            } catch (e) {
              if (e instanceof RolloutUndoError) throw new Error(`${e.message}; nothing was changed`);
              throw new Error(describeKubeError(`restarting ${workload} (nothing was changed)`, e));
            }
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
      });
    },
  });
}
