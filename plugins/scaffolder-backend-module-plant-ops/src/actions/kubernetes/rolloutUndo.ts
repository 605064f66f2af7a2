import type { JsonObject } from '@backstage/types';
import { applyRolloutUndo, planRolloutUndo, RolloutUndoError, type RolloutUndoPlan } from '@plantops/backstage-plugin-plant-node';
import { fieldError } from '../../lib/errors';
import { describeKubeError, kubeStatus } from '../../lib/kubeErrors';
import { examples } from './rolloutUndo.examples';
import { awaitRollout, createWorkloadAction, type KubernetesActionOptions } from './target';

/** plant:kubernetes:rollout-undo: `kubectl rollout undo deployment/x [--to-revision=N]`. */
export function createRolloutUndoAction(options: KubernetesActionOptions) {
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createWorkloadAction(options, {
    id: 'plant:kubernetes:rollout-undo',
    description:
      "Rolls a Deployment back as kubectl rollout undo does: copies the chosen revision's ReplicaSet pod template (default: the previous revision) into the Deployment, then waits for the rollout.",
    examples,
    kinds: ['Deployment'] as const,
    input: {
      toRevision: z => z.number().int().min(0).default(0).describe('Revision to go back to (kubectl --to-revision); 0 means the previous one'),
      wait: z => z.boolean().default(true).describe('Wait for the rollout to finish'),
      timeoutSeconds: z => z.number().int().min(1).max(3600).default(600).describe('How long to wait for the rollout'),
    },
    output: {
      fromRevision: z => z.number().describe('Revision before the undo'),
      toRevision: z => z.number().describe('Revision whose template was restored'),
      imagesBefore: z => z.array(z.string()).describe('container=image before the undo'),
      imagesAfter: z => z.array(z.string()).describe('container=image after the undo'),
      changed: z => z.boolean().describe('Whether the Deployment was written (false in a dry run or when it already ran that template)'),
      revision: z => z.string().describe('Revision number the Deployment has after the rollout (the restored template gets a new number, as with kubectl); empty when not waiting, the current one in a dry run'),
    },
    async run(op, input, ctx, workload) {
      const { target } = op;
      let plan: RolloutUndoPlan;
      try {
        // the plan is fixed once per task: a retry must not plan again from the rolled-back state and undo the undo
        plan = (await op.remember(`rollout-undo-plan:${target.id}:${input.toRevision}`, async () =>
          JSON.parse(JSON.stringify(await planRolloutUndo(target.apps, target.namespace, target.name, input.toRevision))) as JsonObject,
        )) as unknown as RolloutUndoPlan;
      } catch (e) {
        if (e instanceof RolloutUndoError) {
          if (e.message.startsWith('unable to find specified revision')) {
            throw fieldError('toRevision', e.message, `Use one of the revisions in history: ${e.available.join(', ')}`);
          }
          throw new Error(`${e.message} (${workload} on ${target.cluster}); nothing was changed`);
        }
        throw new Error(describeKubeError(`reading the rollout history of ${workload}`, e));
      }
      ctx.output('fromRevision', plan.fromRevision);
      ctx.output('toRevision', plan.toRevision);
      ctx.output('imagesBefore', plan.fromImages);
      ctx.output('imagesAfter', plan.toImages);
      const what = plan.noop
        ? `already runs the template of revision ${plan.toRevision}; nothing to undo`
        : `revision ${plan.fromRevision} (${plan.fromImages.join(', ')}) -> template of revision ${plan.toRevision} (${plan.toImages.join(', ')})`;
      await op.audit('plant:kubernetes:rollout-undo', { fromRevision: plan.fromRevision, toRevision: plan.toRevision }, {
        plan: () => {
          ctx.logger.info(`[dry run] ${workload} on ${target.cluster}: would roll back ${what}`);
          ctx.output('changed', false);
          ctx.output('revision', String(plan.fromRevision));
          return { planned: what };
        },
        apply: async () => {
          const changed = await op.once(`rollout-undo:${target.id}:${plan.fromRevision}->${plan.toRevision}`, `rolling back ${workload}`, async () => {
            if (plan.noop) {
              ctx.logger.info(`${workload} ${what}`);
              return false;
            }
            try {
              await applyRolloutUndo(target.apps, plan);
            } catch (e) {
              const s = kubeStatus(e);
              if (s?.code === 422 || s?.code === 409) {
                throw new Error(`${workload} changed while the undo was planned (${s.message}); nothing was changed. Run the step again to plan from its new state`);
              }
              throw new Error(describeKubeError(`rolling back ${workload} (nothing was changed)`, e));
            }
            ctx.logger.info(`Rolled ${workload} on ${target.cluster} back: ${what}`);
            return true;
          });
          ctx.output('changed', changed);
          let revision = changed ? '' : String(plan.fromRevision);
          if (input.wait) {
            const state = await awaitRollout(target, {
              timeoutSeconds: input.timeoutSeconds,
              pollIntervalMs,
              signal: ctx.signal,
              logger: ctx.logger,
              changed: changed ? `The Deployment was rolled back to the template of revision ${plan.toRevision} (${plan.toImages.join(', ')}).` : 'This step changed nothing.',
            });
            revision = state.revision ?? revision;
          }
          ctx.output('revision', revision);
          return { changed, fromRevision: plan.fromRevision, toRevision: plan.toRevision, revision };
        },
      });
    },
  });
}
