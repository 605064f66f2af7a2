import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { readRolloutState, type RolloutState } from '@plantops/backstage-plugin-plant-node';
import { audited } from '../../lib/audit';
import { parseInput, type InputShape } from '../../lib/input';
import { examples } from './rolloutStatus.examples';
import type { KubernetesActionOptions } from './setImage';
import { awaitRollout, resolveWorkload, workloadInput } from './target';

const inputShape = {
  ...workloadInput(['Deployment', 'StatefulSet', 'DaemonSet'] as const),
  wait: z => z.boolean().default(true).describe('Wait until the rollout finishes (false: report where it stands now)'),
  timeoutSeconds: z => z.number().int().min(1).max(3600).default(600).describe('How long to wait'),
} satisfies InputShape;

/** plant:kubernetes:rollout-status: `kubectl rollout status`, read-only. */
export function createRolloutStatusAction(options: KubernetesActionOptions) {
  const { auditor, kube, catalog } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createTemplateAction({
    id: 'plant:kubernetes:rollout-status',
    description:
      'Waits for the rollout of a Deployment, StatefulSet or DaemonSet with kubectl rollout status semantics (observedGeneration caught up, all replicas updated and available); fails on ProgressDeadlineExceeded or timeout. Reads only.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputShape,
      output: {
        cluster: z => z.string().describe('Cluster the workload runs on'),
        workload: z => z.string().describe('namespace/kind/name of the workload'),
        done: z => z.boolean().describe('Whether the rollout is complete'),
        message: z => z.string().describe("kubectl's status line"),
        replicas: z => z.number().describe('Replicas (pods) of the workload'),
        updatedReplicas: z => z.number().describe('Replicas at the current template'),
        availableReplicas: z => z.number().describe('Available replicas'),
        revision: z => z.string().describe('Deployment revision (empty for other kinds)'),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputShape, ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const target = await resolveWorkload(input, { kube, catalog, credentials });
      const workload = `${target.namespace}/${target.kind.toLowerCase()}/${target.name}`;
      ctx.output('cluster', target.cluster);
      ctx.output('workload', workload);
      const report = (s: RolloutState) => {
        ctx.output('done', s.done);
        ctx.output('message', s.message);
        ctx.output('replicas', s.replicas);
        ctx.output('updatedReplicas', s.updatedReplicas);
        ctx.output('availableReplicas', s.availableReplicas);
        ctx.output('revision', s.revision ?? '');
      };
      await audited(
        auditor,
        { action: 'plant:kubernetes:rollout-status', target: target.id, dryRun: Boolean(ctx.isDryRun), actor: ctx.user?.ref, taskId: ctx.task.id },
        async (): Promise<JsonObject> => {
          // a dry run reports where the rollout stands without waiting
          if (ctx.isDryRun || !input.wait) {
            const now = await readRolloutState(target.apps, target.kind, target.namespace, target.name);
            ctx.logger.info(`${ctx.isDryRun ? '[dry run] ' : ''}${now.message}`);
            report(now);
            return { done: now.done, message: now.message };
          }
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
      );
    },
  });
}
