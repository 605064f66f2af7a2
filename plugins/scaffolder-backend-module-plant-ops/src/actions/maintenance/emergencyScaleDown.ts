import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { scaleWorkload } from '@plantops/backstage-plugin-plant-node';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { parseInput, type InputShape } from '../../lib/input';
import { clusterTarget, type KubeAccess } from '../../lib/kubeAccess';
import { describeKubeError, isNotFound } from '../../lib/kubeErrors';
import { CancelledError } from '../../lib/wait';
import { examples } from './emergencyScaleDown.examples';
import { DEFAULT_RECORD_NAME, readRecord, recordKey, writeRecord, type ReplicaRecord, type ScalableKind } from './scaleRecord';
import { dryRunInput } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export interface EmergencyScaleDownActionOptions extends Pick<PlantOpsDeps, 'auditor'> {
  kube: KubeAccess;
}

const inputShape = {
  ...dryRunInput,
  cluster: z => z.string().describe('Catalog Resource of type kubernetes-cluster'),
  namespace: z => z.string().min(1).describe('Namespace whose Deployments and StatefulSets go to 0 replicas (the IIP guide: iip-applications)'),
  exclude: z => z.array(z.string()).default([]).describe('Names of workloads to leave running'),
  recordName: z => z.string().default(DEFAULT_RECORD_NAME).describe('ConfigMap in the namespace that records the replica counts for plant:kubernetes:restore-scale'),
} satisfies InputShape;

const workloadSchema = (z: any) => z.array(z.object({ kind: z.string(), name: z.string(), replicas: z.number() }));

/**
 * plant:kubernetes:emergency-scale-down: the IIP guide's `kubectl scale
 * deployment --all --replicas=0`, for StatefulSets too, with every count
 * recorded in a ConfigMap before anything is scaled, so restore-scale can put
 * each back even after a half-finished run.
 */
export function createEmergencyScaleDownAction(options: EmergencyScaleDownActionOptions) {
  const { auditor, kube } = options;
  return createTemplateAction({
    id: 'plant:kubernetes:emergency-scale-down',
    description:
      'Scales every Deployment and StatefulSet of a namespace to 0 replicas, first recording each replica count in a ConfigMap so plant:kubernetes:restore-scale brings each back to its count.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputShape,
      output: {
        scaledDown: z => workloadSchema(z).describe('Workloads scaled to 0, with the replicas they had (in a dry run: that would be)'),
        alreadyAtZero: z => z.array(z.string()).describe('Workloads that were at 0 already (Kind/name); a count recorded by an earlier scale-down is kept'),
        excluded: z => z.array(z.string()).describe('Workloads left running on request (Kind/name)'),
        record: z => z.string().describe('namespace/name of the ConfigMap holding the counts'),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputShape, ctx.input);
      const op = await startOperation(ctx, auditor, credentials => clusterTarget(kube, input.cluster, credentials, cluster => `${cluster}/${input.namespace}`));
      const { kubeConfig, cluster } = op.target;
      const { dryRun } = op;
      const core = kubeConfig.makeApiClient(CoreV1Api);
      const apps = kubeConfig.makeApiClient(AppsV1Api);
      const ns = input.namespace;

      await op.run('plant:kubernetes:emergency-scale-down', {}, async (): Promise<JsonObject> => {
          try {
            await core.readNamespace({ name: ns });
          } catch (e) {
            if (isNotFound(e)) throw fieldError('namespace', `namespace "${ns}" does not exist in the cluster`, 'Give the namespace of the workloads to stop');
            throw new Error(describeKubeError(`reading namespace ${ns}`, e));
          }
          let workloads: { kind: ScalableKind; name: string; replicas: number }[];
          try {
            const [deps, sts] = await Promise.all([apps.listNamespacedDeployment({ namespace: ns }), apps.listNamespacedStatefulSet({ namespace: ns })]);
            workloads = [
              ...deps.items.map(d => ({ kind: 'Deployment' as const, name: d.metadata!.name!, replicas: d.spec?.replicas ?? 1 })),
              ...sts.items.map(s => ({ kind: 'StatefulSet' as const, name: s.metadata!.name!, replicas: s.spec?.replicas ?? 1 })),
            ];
          } catch (e) {
            throw new Error(describeKubeError(`listing workloads in ${ns}`, e));
          }
          const unknown = input.exclude.filter(x => !workloads.some(w => w.name === x));
          if (unknown.length) {
            throw fieldError('exclude', `no Deployment or StatefulSet named ${unknown.join(', ')} in ${ns}`, 'Fix the names or leave them out');
          }
          const existing = await readRecord(core, ns, input.recordName);
          const record: ReplicaRecord = { ...(existing?.record ?? {}) };
          const excluded = workloads.filter(w => input.exclude.includes(w.name)).map(w => recordKey(w.kind, w.name));
          const targets = workloads.filter(w => !input.exclude.includes(w.name) && w.replicas > 0);
          const alreadyAtZero = workloads.filter(w => !input.exclude.includes(w.name) && w.replicas === 0).map(w => recordKey(w.kind, w.name));
          for (const w of targets) record[recordKey(w.kind, w.name)] = w.replicas;
          const scaledDown = targets.map(w => ({ kind: w.kind, name: w.name, replicas: w.replicas }));
          ctx.output('alreadyAtZero', alreadyAtZero);
          ctx.output('excluded', excluded);
          ctx.output('record', `${ns}/${input.recordName}`);

          if (dryRun) {
            ctx.output('scaledDown', scaledDown);
            ctx.logger.info(`[dry run] would record ${Object.keys(record).length} replica counts in ConfigMap ${ns}/${input.recordName} and scale to 0: ${scaledDown.map(w => `${w.kind}/${w.name} (${w.replicas})`).join(', ') || 'nothing'}`);
            return { wouldScaleDown: scaledDown.length };
          }
          if (targets.length === 0) {
            ctx.output('scaledDown', []);
            ctx.logger.info(`nothing to scale down in ${ns}: every workload is at 0 or excluded`);
            return { scaledDown: 0 };
          }
          // The record is written before any scaling: a run cut short can always be restored.
          await ctx.checkpoint({
            key: `scale-record:${cluster}:${ns}:${input.recordName}`,
            fn: () => writeRecord(core, ns, input.recordName, record, { by: ctx.user?.ref, taskId: ctx.task.id }, existing?.configMap),
          });
          ctx.logger.info(`recorded replica counts in ConfigMap ${ns}/${input.recordName}`);
          const done: typeof scaledDown = [];
          try {
            for (const w of targets) {
              if (ctx.signal?.aborted) throw new CancelledError('during the scale-down');
              await ctx.checkpoint({
                key: `scale-down:${cluster}:${ns}:${w.kind}/${w.name}`,
                fn: async () => {
                  try {
                    await scaleWorkload(apps, w.kind, ns, w.name, 0, { expectedReplicas: w.replicas });
                  } catch (e) {
                    throw new Error(describeKubeError(`scaling ${w.kind}/${w.name} to 0`, e));
                  }
                },
              });
              done.push({ kind: w.kind, name: w.name, replicas: w.replicas });
              ctx.logger.info(`${w.kind.toLowerCase()}/${w.name} scaled ${w.replicas} -> 0`);
            }
          } catch (e) {
            ctx.output('scaledDown', done);
            throw new Error(
              `${(e as Error).message}. Scaled to 0 so far: ${done.map(w => `${w.kind}/${w.name}`).join(', ') || 'none'}; their counts are in ConfigMap ${ns}/${input.recordName}: run plant:kubernetes:restore-scale to bring them back`,
            );
          }
          ctx.output('scaledDown', done);
          return { scaledDown: done.length, record: `${ns}/${input.recordName}` };
        },
      );
    },
  });
}
