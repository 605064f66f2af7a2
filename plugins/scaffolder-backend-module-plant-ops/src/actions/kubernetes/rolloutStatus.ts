import { readRolloutState, type RolloutState } from '@plantops/backstage-plugin-plant-node';
import { examples } from './rolloutStatus.examples';
import { awaitRollout, createWorkloadAction, type KubernetesActionOptions } from './target';

/** plant:kubernetes:rollout-status: `kubectl rollout status`, read-only. */
export function createRolloutStatusAction(options: KubernetesActionOptions) {
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createWorkloadAction(options, {
    id: 'plant:kubernetes:rollout-status',
    description:
      'Waits for the rollout of a Deployment, StatefulSet or DaemonSet with kubectl rollout status semantics (observedGeneration caught up, all replicas updated and available); fails on ProgressDeadlineExceeded or timeout. Reads only.',
    examples,
    kinds: ['Deployment', 'StatefulSet', 'DaemonSet'] as const,
    input: {
      wait: z => z.boolean().default(true).describe('Wait until the rollout finishes (false: report where it stands now)'),
      timeoutSeconds: z => z.number().int().min(1).max(3600).default(600).describe('How long to wait'),
    },
    output: {
      done: z => z.boolean().describe('Whether the rollout is complete'),
      message: z => z.string().describe("kubectl's status line"),
      replicas: z => z.number().describe('Replicas (pods) of the workload'),
      updatedReplicas: z => z.number().describe('Replicas at the current template'),
      availableReplicas: z => z.number().describe('Available replicas'),
      revision: z => z.string().describe('Deployment revision (empty for other kinds)'),
    },
    async run(op, input, ctx) {
      const { target } = op;
      const report = (s: RolloutState) => {
        ctx.output('done', s.done);
        ctx.output('message', s.message);
        ctx.output('replicas', s.replicas);
        ctx.output('updatedReplicas', s.updatedReplicas);
        ctx.output('availableReplicas', s.availableReplicas);
        ctx.output('revision', s.revision ?? '');
      };
      // where the rollout stands now: what a dry run reports, without waiting
      const now = async () => {
        const state = await readRolloutState(target.apps, target.kind, target.namespace, target.name);
        ctx.logger.info(`${op.dryRun ? '[dry run] ' : ''}${state.message}`);
        report(state);
        return { done: state.done, message: state.message };
      };
      await op.audit('plant:kubernetes:rollout-status', {}, {
        plan: now,
        apply: async () => {
          if (!input.wait) return now();
          const state = await awaitRollout(target, {
            timeoutSeconds: input.timeoutSeconds,
            pollIntervalMs,
            signal: ctx.signal,
            logger: ctx.logger,
            changed: 'This step changes nothing.',
          });
          report(state);
          return { done: state.done, message: state.message, revision: state.revision ?? '' };
        },
      });
    },
  });
}
