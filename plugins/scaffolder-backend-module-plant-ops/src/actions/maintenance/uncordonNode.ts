import { CoreV1Api } from '@kubernetes/client-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { PlantOpsDeps } from '../../deps';
import { parseInput, type InputShape } from '../../lib/input';
import { clusterTarget, type KubeAccess } from '../../lib/kubeAccess';
import { examples } from './uncordonNode.examples';
import { readNode, setUnschedulable } from './nodes';
import { dryRunInput } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export interface UncordonNodeActionOptions extends Pick<PlantOpsDeps, 'auditor'> {
  kube: KubeAccess;
}

const inputShape = {
  ...dryRunInput,
  cluster: z => z.string().describe('Catalog Resource of type kubernetes-cluster the node belongs to'),
  node: z => z.string().min(1).describe('Name of the node to make schedulable again'),
} satisfies InputShape;

/** plant:kubernetes:uncordon-node: kubectl uncordon, reporting whether anything changed and whether the node is Ready. */
export function createUncordonNodeAction(options: UncordonNodeActionOptions) {
  const { auditor, kube } = options;
  return createTemplateAction({
    id: 'plant:kubernetes:uncordon-node',
    description: 'Marks a node schedulable again after maintenance (kubectl uncordon) and reports whether it is Ready.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputShape,
      output: {
        changed: z => z.boolean().describe('The node was cordoned and is now schedulable (false: it already was); in a dry run, whether it would change'),
        ready: z => z.boolean().describe('The node\'s Ready condition is True'),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputShape, ctx.input);
      const op = await startOperation(ctx, auditor, credentials => clusterTarget(kube, input.cluster, credentials, cluster => `${cluster}/node/${input.node}`));
      const { kubeConfig, cluster } = op.target;
      const { dryRun } = op;
      const core = kubeConfig.makeApiClient(CoreV1Api);
      await op.run('plant:kubernetes:uncordon-node', {}, async (): Promise<JsonObject> => {
          const node = await readNode(core, input.node);
          const cordoned = Boolean(node.spec?.unschedulable);
          const ready = node.status?.conditions?.find(c => c.type === 'Ready')?.status === 'True';
          ctx.output('changed', cordoned);
          ctx.output('ready', ready);
          if (!cordoned) {
            ctx.logger.info(`node/${input.node} is already schedulable; nothing to do`);
            return { changed: false, ready };
          }
          if (dryRun) {
            ctx.logger.info(`[dry run] would uncordon node/${input.node}`);
            return { changed: true, ready };
          }
          await ctx.checkpoint({
            key: `uncordon:${cluster}:${input.node}`,
            fn: async () => {
              await setUnschedulable(core, node, false);
            },
          });
          ctx.logger.info(`node/${input.node} uncordoned${ready ? '' : ' (its Ready condition is not True: check the kubelet)'}`);
          return { changed: true, ready };
        },
      );
    },
  });
}
