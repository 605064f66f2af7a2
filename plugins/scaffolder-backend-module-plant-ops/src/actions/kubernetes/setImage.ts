import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { fieldError } from '../../lib/errors';
import { describeKubeError } from '../../lib/kubeErrors';
import { examples } from './setImage.examples';
import { awaitRollout, createWorkloadAction, imagesOf, type KubernetesActionOptions, type WorkloadTarget } from './target';

/** An image reference with a tag or a digest (registry host and port optional). */
const IMAGE = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** plant:kubernetes:set-image: `kubectl set image` followed by `kubectl rollout status`. */
export function createSetImageAction(options: KubernetesActionOptions) {
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createWorkloadAction(options, {
    id: 'plant:kubernetes:set-image',
    description:
      "Sets a container's image on a Deployment, StatefulSet or DaemonSet (kubectl set image) and waits for the rollout with kubectl rollout status semantics; a rollout that exceeds its progress deadline fails the step.",
    examples,
    kinds: ['Deployment', 'StatefulSet', 'DaemonSet'] as const,
    input: {
      container: z => z.string().optional().describe('Container whose image to set (default: the only container of the pod template)'),
      image: z => z.string().describe('New image with a tag or digest, e.g. ms5/gateway:v2.4.1'),
      wait: z => z.boolean().default(true).describe('Wait for the rollout to finish (kubectl rollout status semantics)'),
      timeoutSeconds: z => z.number().int().min(1).max(3600).default(600).describe('How long to wait for the rollout'),
      undoOnFailure: z => z.boolean().default(false).describe('If the rollout fails or times out, set the previous image back'),
    },
    output: {
      container: z => z.string().describe('Container whose image was set'),
      imageBefore: z => z.string().describe('Image before the change'),
      imageAfter: z => z.string().describe('Image after the change (in a dry run: the image it would set)'),
      changed: z => z.boolean().describe('Whether the image was written (false in a dry run or when it was already set)'),
      revision: z => z.string().describe('Deployment revision after the rollout (empty for StatefulSets, DaemonSets and dry runs)'),
      rolloutMessage: z => z.string().describe("kubectl's last rollout status line"),
    },
    check(input) {
      if (!IMAGE.test(input.image)) {
        throw fieldError('image', `"${input.image}" is not an image reference`, 'Write it as repository:tag or repository@sha256:<digest>, e.g. ms5/gateway:v2.4.1');
      }
      if (!/[:@][^/]+$/.test(input.image)) {
        throw fieldError('image', `"${input.image}" has no tag or digest`, 'Pin a version (repository:tag or @sha256:<digest>); an implicit :latest cannot be rolled back to');
      }
    },
    async run(op, input, ctx, workload) {
      const { target } = op;
      const images = imagesOf(target.workload);
      const names = Object.keys(images);
      const container = input.container ?? (names.length === 1 ? names[0] : undefined);
      if (!container) {
        throw fieldError('container', `${target.kind} ${target.name} has ${names.length} containers (${names.join(', ')})`, 'Say which container to update');
      }
      if (!(container in images)) {
        throw fieldError('container', `${target.kind} ${target.name} has no container "${container}"`, `Use one of ${names.join(', ')}`);
      }
      // a retried task keeps the image it saw first, so it reports the real change
      const before = await op.remember(`set-image-before:${target.id}:${container}`, async () => images[container]);
      ctx.output('container', container);
      ctx.output('imageBefore', before);
      ctx.output('imageAfter', input.image);

      await op.audit('plant:kubernetes:set-image', { container, imageBefore: before, imageAfter: input.image }, {
        plan: () => {
          const plan = before === input.image ? `${container} already runs ${input.image}; nothing would change` : `would set ${container} from ${before} to ${input.image}`;
          ctx.logger.info(`[dry run] ${workload} on ${target.cluster}: ${plan}${input.wait ? `, then wait up to ${input.timeoutSeconds} s for the rollout` : ''}`);
          ctx.output('changed', false);
          ctx.output('revision', '');
          ctx.output('rolloutMessage', '');
          return { planned: plan };
        },
        apply: async () => {
          const changed = await op.once(`set-image:${target.id}:${container}:${input.image}`, `setting the image of ${workload}`, async () => {
            if (before === input.image) {
              ctx.logger.info(`${container} of ${workload} already runs ${input.image}; not writing`);
              return false;
            }
            await patchImage(target, container, input.image);
            ctx.logger.info(`Set ${container} of ${workload} on ${target.cluster} from ${before} to ${input.image}`);
            return true;
          });
          ctx.output('changed', changed);
          let rolloutMessage = '';
          let revision = '';
          if (input.wait) {
            try {
              const state = await awaitRollout(target, {
                timeoutSeconds: input.timeoutSeconds,
                pollIntervalMs,
                signal: ctx.signal,
                logger: ctx.logger,
                changed: changed ? `The image of ${container} was changed from ${before} to ${input.image}.` : 'This step changed nothing.',
              });
              rolloutMessage = state.message;
              revision = state.revision ?? '';
            } catch (e) {
              if (!changed || !input.undoOnFailure) {
                throw new Error(`${(e as Error).message}${changed ? ` Undo it with plant:kubernetes:rollout-undo or set the image back to ${before}.` : ''}`);
              }
              // the undo runs although the task was cancelled: it puts back what this step changed
              await ctx.checkpoint({
                key: `set-image-undo:${target.id}:${container}:${before}`,
                fn: async () => {
                  await patchImage(target, container, before);
                  ctx.logger.warn(`Rollout failed; set ${container} of ${workload} back to ${before}`);
                },
              });
              throw new Error(`${(e as Error).message} undoOnFailure set the image back to ${before}; the previous pods keep serving.`);
            }
          }
          ctx.output('revision', revision);
          ctx.output('rolloutMessage', rolloutMessage);
          return { changed, revision, rolloutMessage };
        },
      });
    },
  });
}

/** A strategic merge patch: the container list merges by name, nothing else in the template changes. */
async function patchImage(target: WorkloadTarget, container: string, image: string) {
  const body = { spec: { template: { spec: { containers: [{ name: container, image }] } } } };
  const opts = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
  const { apps, namespace, name } = target;
  try {
    if (target.kind === 'Deployment') await apps.patchNamespacedDeployment({ name, namespace, body }, opts);
    else if (target.kind === 'StatefulSet') await apps.patchNamespacedStatefulSet({ name, namespace, body }, opts);
    else await apps.patchNamespacedDaemonSet({ name, namespace, body }, opts);
  } catch (e) {
    throw new Error(describeKubeError(`setting the image of ${target.kind} ${namespace}/${name} on ${target.cluster} (nothing was changed)`, e));
  }
}
