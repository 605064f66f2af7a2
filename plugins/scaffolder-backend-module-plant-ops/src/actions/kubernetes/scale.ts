import { readScale, scaleWorkload } from '@plantops/backstage-plugin-plant-node';
import { fieldError } from '../../lib/errors';
import { describeKubeError } from '../../lib/kubeErrors';
import { examples } from './scale.examples';
import { awaitRollout, createWorkloadAction, type KubernetesActionOptions } from './target';

/** plant:kubernetes:scale: `kubectl scale` through the scale subresource. */
export function createScaleAction(options: KubernetesActionOptions) {
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createWorkloadAction(options, {
    id: 'plant:kubernetes:scale',
    description:
      'Scales a Deployment or StatefulSet through its scale subresource (kubectl scale), optionally only from an expected count, then waits until the replicas are available.',
    examples,
    kinds: ['Deployment', 'StatefulSet'] as const,
    input: {
      replicas: z => z.number().int().min(0).max(1000).describe('Replicas to run'),
      expectedReplicas: z => z.number().int().min(0).optional().describe('Only scale if the workload runs this many now (kubectl --current-replicas)'),
      wait: z => z.boolean().default(true).describe('Wait until the replicas are available'),
      timeoutSeconds: z => z.number().int().min(1).max(3600).default(600).describe('How long to wait'),
    },
    output: {
      replicasBefore: z => z.number().describe('Replicas before'),
      replicasAfter: z => z.number().describe('Replicas after (in a dry run: the count it would set)'),
      changed: z => z.boolean().describe('Whether the count was written'),
      availableReplicas: z => z.number().describe('Available replicas at the end (the current count in a dry run or without waiting)'),
    },
    async run(op, input, ctx, workload) {
      const { target } = op;
      const kind = target.kind as 'Deployment' | 'StatefulSet';
      // a retried task keeps the count it saw first, so its outputs and checks stay those of the first run
      const before = await op.remember(`scale-before:${target.id}`, async () => {
        const { replicas } = await readScale(target.apps, kind, target.namespace, target.name).catch(e => {
          throw new Error(describeKubeError(`reading the scale of ${workload}`, e));
        });
        return replicas;
      });
      if (input.expectedReplicas !== undefined && input.expectedReplicas !== before) {
        throw fieldError('expectedReplicas', `${workload} runs ${before} replicas, not ${input.expectedReplicas}`, 'Someone scaled it meanwhile: check why, then set expectedReplicas to the current count or leave it out');
      }
      ctx.output('replicasBefore', before);
      ctx.output('replicasAfter', input.replicas);
      const available = target.workload.status?.availableReplicas ?? 0;

      await op.audit('plant:kubernetes:scale', { replicasBefore: before, replicasAfter: input.replicas }, {
        plan: () => {
          ctx.logger.info(`[dry run] ${workload} on ${target.cluster}: ${before === input.replicas ? `already at ${before} replicas; nothing would change` : `would scale from ${before} to ${input.replicas} replicas`}`);
          ctx.output('changed', false);
          ctx.output('availableReplicas', available);
          return { planned: `${before} -> ${input.replicas}` };
        },
        apply: async () => {
          const changed = await op.once(`scale:${target.id}:${before}->${input.replicas}`, `scaling ${workload}`, async () => {
            if (before === input.replicas) return false;
            try {
              // expectedReplicas: before guards against a scale between our read and our write
              await scaleWorkload(target.apps, kind, target.namespace, target.name, input.replicas, { expectedReplicas: before });
            } catch (e) {
              throw new Error(`${describeKubeError(`scaling ${workload}`, e)}; nothing was changed`);
            }
            ctx.logger.info(`Scaled ${workload} on ${target.cluster} from ${before} to ${input.replicas} replicas`);
            return true;
          });
          ctx.output('changed', changed);
          let availableAfter = available;
          if (input.wait) {
            const state = await awaitRollout(target, {
              timeoutSeconds: input.timeoutSeconds,
              pollIntervalMs,
              signal: ctx.signal,
              logger: ctx.logger,
              changed: changed ? `${workload} was scaled from ${before} to ${input.replicas} replicas.` : 'This step changed nothing.',
            });
            availableAfter = state.availableReplicas;
          }
          ctx.output('availableReplicas', availableAfter);
          return { changed, replicasBefore: before, replicasAfter: input.replicas };
        },
      });
    },
  });
}
