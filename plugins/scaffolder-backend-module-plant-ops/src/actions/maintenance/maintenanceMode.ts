import { CoreV1Api, NetworkingV1Api, PatchStrategy, setHeaderOptions, type V1Ingress } from '@kubernetes/client-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { parseInput, type InputShape } from '../../lib/input';
import { clusterTarget, type KubeAccess } from '../../lib/kubeAccess';
import { describeKubeError, isNotFound } from '../../lib/kubeErrors';
import { examples } from './maintenanceMode.examples';
import { dryRunInput } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export interface MaintenanceModeActionOptions extends Pick<PlantOpsDeps, 'auditor'> {
  kube: KubeAccess;
}

/** The annotation the IIP guide's emergency maintenance mode sets. */
export const DEFAULT_BACKEND_ANNOTATION = 'nginx.ingress.kubernetes.io/default-backend';
/** Where the value before maintenance is kept, so switching off restores it exactly. */
export const PREVIOUS_ANNOTATION = 'plantops.io/maintenance-previous-default-backend';

const inputShape = {
  ...dryRunInput,
  cluster: z => z.string().describe('Catalog Resource of type kubernetes-cluster the ingress runs on'),
  namespace: z => z.string().default('iip-applications').describe('Namespace of the ingress'),
  ingress: z => z.string().default('iip-ingress').describe('Name of the Ingress to switch'),
  enabled: z => z.boolean().describe('true: send traffic to the maintenance backend; false: put back the default backend there was before'),
  backend: z => z.string().default('maintenance-page').describe('Service in the same namespace that serves the maintenance page'),
} satisfies InputShape;

interface Previous {
  /** The annotation's value before maintenance; null when it was not set. */
  value: string | null;
  /** What maintenance mode set it to. */
  set: string;
  at: string;
  by?: string;
}

/**
 * plant:kubernetes:maintenance-mode: the IIP guide's emergency maintenance
 * mode (kubectl patch ingress ... default-backend: maintenance-page), with
 * the value it replaces kept in an annotation so switching off restores it.
 */
export function createMaintenanceModeAction(options: MaintenanceModeActionOptions) {
  const { auditor, kube } = options;
  return createTemplateAction({
    id: 'plant:kubernetes:maintenance-mode',
    description:
      'Switches an ingress into maintenance mode by setting its nginx.ingress.kubernetes.io/default-backend annotation to the maintenance Service, recording the previous value; switching off puts that value back exactly (or removes the annotation if there was none).',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputShape,
      output: {
        changed: z => z.boolean().describe('The ingress was changed (false: it was already in the requested mode); in a dry run, whether it would be'),
        defaultBackendBefore: z => z.string().nullable().describe('The annotation before this run (null: not set)'),
        defaultBackendAfter: z => z.string().nullable().describe('The annotation after this run (null: not set)'),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputShape, ctx.input);
      const op = await startOperation(ctx, auditor, credentials => clusterTarget(kube, input.cluster, credentials, cluster => `${cluster}/${input.namespace}/ingress/${input.ingress}`));
      const { kubeConfig, cluster } = op.target;
      const { dryRun } = op;
      const net = kubeConfig.makeApiClient(NetworkingV1Api);
      const core = kubeConfig.makeApiClient(CoreV1Api);
      const target = `${cluster}/${input.namespace}/ingress/${input.ingress}`;

      await op.run('plant:kubernetes:maintenance-mode', { enabled: input.enabled }, async (): Promise<JsonObject> => {
          let ing: V1Ingress;
          try {
            ing = await net.readNamespacedIngress({ name: input.ingress, namespace: input.namespace });
          } catch (e) {
            if (isNotFound(e)) throw fieldError('ingress', `no Ingress "${input.ingress}" in namespace ${input.namespace}`, 'Give the Ingress the platform\'s traffic enters through (kubectl get ingress -n <namespace>)');
            throw new Error(describeKubeError(`reading ingress ${input.namespace}/${input.ingress}`, e));
          }
          const annotations = ing.metadata?.annotations ?? {};
          const current = annotations[DEFAULT_BACKEND_ANNOTATION] ?? null;
          const recorded = annotations[PREVIOUS_ANNOTATION];
          ctx.output('defaultBackendBefore', current);

          let patch: Record<string, string | null>;
          let after: string | null;
          if (input.enabled) {
            if (recorded !== undefined) {
              ctx.output('changed', false);
              ctx.output('defaultBackendAfter', current);
              ctx.logger.info(`ingress ${input.namespace}/${input.ingress} is already in maintenance mode (default backend ${current}); nothing changed`);
              return { changed: false };
            }
            try {
              await core.readNamespacedService({ name: input.backend, namespace: input.namespace });
            } catch (e) {
              if (isNotFound(e)) throw fieldError('backend', `no Service "${input.backend}" in namespace ${input.namespace} to serve the maintenance page`, 'Deploy the maintenance page first, or name the Service that serves it');
              throw new Error(describeKubeError(`reading service ${input.namespace}/${input.backend}`, e));
            }
            const previous: Previous = { value: current, set: input.backend, at: new Date().toISOString(), by: ctx.user?.ref };
            patch = { [DEFAULT_BACKEND_ANNOTATION]: input.backend, [PREVIOUS_ANNOTATION]: JSON.stringify(previous) };
            after = input.backend;
          } else {
            if (recorded === undefined) {
              ctx.output('changed', false);
              ctx.output('defaultBackendAfter', current);
              ctx.logger.info(`ingress ${input.namespace}/${input.ingress} is not in maintenance mode (no ${PREVIOUS_ANNOTATION}); nothing changed`);
              return { changed: false };
            }
            let previous: Previous;
            try {
              previous = JSON.parse(recorded);
              if (previous.value !== null && typeof previous.value !== 'string') throw new Error('bad value');
            } catch {
              throw new Error(`ingress ${input.namespace}/${input.ingress}: annotation ${PREVIOUS_ANNOTATION} is not what this action wrote (${recorded.slice(0, 200)}); set ${DEFAULT_BACKEND_ANNOTATION} by hand and remove it`);
            }
            if (current !== previous.set) {
              ctx.logger.warn(`default backend was changed from "${previous.set}" to "${current ?? '(not set)'}" during maintenance; restoring the value from before maintenance anyway`);
            }
            patch = { [DEFAULT_BACKEND_ANNOTATION]: previous.value, [PREVIOUS_ANNOTATION]: null };
            after = previous.value;
          }
          ctx.output('defaultBackendAfter', after);
          ctx.output('changed', true);
          if (dryRun) {
            ctx.logger.info(`[dry run] would set ${DEFAULT_BACKEND_ANNOTATION} on ingress ${input.namespace}/${input.ingress} from ${current ?? '(not set)'} to ${after ?? '(not set)'}`);
            return { changed: true, before: current, after };
          }
          await ctx.checkpoint({
            key: `maintenance-mode:${target}:${input.enabled}`,
            fn: async () => {
              try {
                await net.patchNamespacedIngress(
                  { name: input.ingress, namespace: input.namespace, body: { metadata: { resourceVersion: ing.metadata?.resourceVersion, annotations: patch } } },
                  setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
                );
              } catch (e) {
                throw new Error(`${describeKubeError(`patching ingress ${input.namespace}/${input.ingress}`, e)}. Nothing was changed`);
              }
            },
          });
          ctx.logger.info(`ingress ${input.namespace}/${input.ingress}: ${DEFAULT_BACKEND_ANNOTATION} ${current ?? '(not set)'} -> ${after ?? '(not set)'}; maintenance mode ${input.enabled ? 'on' : 'off'}`);
          return { changed: true, before: current, after };
        },
      );
    },
  });
}
