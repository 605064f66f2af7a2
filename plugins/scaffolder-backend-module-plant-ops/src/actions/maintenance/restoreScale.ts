import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { readScale, scaleWorkload, waitForRollout } from '@plantops/backstage-plugin-plant-node';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { parseInput, type InputShape } from '../../lib/input';
import { clusterTarget, type KubeAccess } from '../../lib/kubeAccess';
import { describeKubeError, isNotFound } from '../../lib/kubeErrors';
import { examples } from './restoreScale.examples';
import { DEFAULT_RECORD_NAME, parseRecordKey, readRecord, writeRecord, type ReplicaRecord } from './scaleRecord';
import { dryRunInput } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export interface RestoreScaleActionOptions extends Pick<PlantOpsDeps, 'auditor'> {
  kube: KubeAccess;
  /** How often rollout status is read while waiting (default 2 s). */
  pollIntervalMs?: number;
}

const inputShape = {
  ...dryRunInput,
  cluster: z => z.string().describe('Catalog Resource of type kubernetes-cluster'),
  namespace: z => z.string().min(1).describe('Namespace that was scaled down'),
  recordName: z => z.string().default(DEFAULT_RECORD_NAME).describe('ConfigMap written by plant:kubernetes:emergency-scale-down'),
  wait: z => z.boolean().default(true).describe('Wait until each restored workload is rolled out and available'),
  timeoutSeconds: z => z.number().int().min(1).default(600).describe('How long to wait for the rollouts'),
} satisfies InputShape;

/**
 * plant:kubernetes:restore-scale: puts every workload of the record back to
 * its count. A workload someone scaled meanwhile is left alone and reported;
 * the record is deleted once nothing is left in it.
 */
export function createRestoreScaleAction(options: RestoreScaleActionOptions) {
  const { auditor, kube } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createTemplateAction({
    id: 'plant:kubernetes:restore-scale',
    description:
      'Brings the Deployments and StatefulSets an emergency scale-down stopped back to their recorded replica counts and waits for them to be available.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputShape,
      output: {
        restored: z => z.array(z.object({ kind: z.string(), name: z.string(), replicas: z.number() })).describe('Workloads scaled back, with the count restored (in a dry run: that would be)'),
        skipped: z => z.array(z.object({ workload: z.string(), reason: z.string() })).describe('Recorded workloads not touched, and why'),
        recordDeleted: z => z.boolean().describe('The record ConfigMap was deleted (everything in it handled)'),
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

      await op.run('plant:kubernetes:restore-scale', {}, async (): Promise<JsonObject> => {
          const found = await readRecord(core, ns, input.recordName);
          if (!found) {
            throw fieldError('namespace', `no scale-down record (ConfigMap ${input.recordName}) in ${ns}`, 'Nothing to restore: check the namespace, or the recordName the scale-down used');
          }
          const restored: { kind: string; name: string; replicas: number }[] = [];
          const skipped: { workload: string; reason: string }[] = [];
          const plan: { key: string; kind: 'Deployment' | 'StatefulSet'; name: string; replicas: number }[] = [];
          for (const [key, replicas] of Object.entries(found.record).sort()) {
            const { kind, name } = parseRecordKey(key);
            let now: number;
            try {
              now = (await readScale(apps, kind, ns, name)).replicas;
            } catch (e) {
              if (isNotFound(e)) {
                skipped.push({ workload: key, reason: 'no longer exists' });
                continue;
              }
              throw new Error(describeKubeError(`reading ${key}`, e));
            }
            if (now === replicas) {
              skipped.push({ workload: key, reason: `already at its recorded count (${replicas})` });
              continue;
            }
            if (now !== 0) {
              skipped.push({ workload: key, reason: `scaled to ${now} since the scale-down; left as it is (recorded ${replicas})` });
              continue;
            }
            plan.push({ key, kind, name, replicas });
          }
          ctx.output('skipped', skipped);
          if (dryRun) {
            ctx.output('restored', plan.map(({ kind, name, replicas }) => ({ kind, name, replicas })));
            ctx.output('recordDeleted', false);
            ctx.logger.info(`[dry run] would scale back ${plan.map(p => `${p.key} to ${p.replicas}`).join(', ') || 'nothing'} and delete ConfigMap ${ns}/${input.recordName}`);
            return { wouldRestore: plan.length, skipped: skipped.length };
          }

          const remaining: ReplicaRecord = { ...found.record };
          for (const s of skipped) delete remaining[s.workload];
          let failure: Error | undefined;
          for (const p of plan) {
            try {
              await ctx.checkpoint({
                key: `restore-scale:${cluster}:${ns}:${p.key}`,
                fn: async () => {
                  try {
                    await scaleWorkload(apps, p.kind, ns, p.name, p.replicas, { expectedReplicas: 0 });
                  } catch (e) {
                    throw new Error(describeKubeError(`scaling ${p.key} to ${p.replicas}`, e));
                  }
                },
              });
              restored.push({ kind: p.kind, name: p.name, replicas: p.replicas });
              delete remaining[p.key];
              ctx.logger.info(`${p.key} scaled 0 -> ${p.replicas}`);
            } catch (e) {
              failure = e as Error;
              break;
            }
          }
          ctx.output('restored', restored);

          let recordDeleted = false;
          if (Object.keys(remaining).length === 0) {
            await ctx.checkpoint({
              key: `restore-scale-record:${cluster}:${ns}:${input.recordName}`,
              fn: async () => {
                try {
                  await core.deleteNamespacedConfigMap({ name: input.recordName, namespace: ns });
                } catch (e) {
                  if (!isNotFound(e)) throw new Error(describeKubeError(`deleting ConfigMap ${ns}/${input.recordName}`, e));
                }
              },
            });
            recordDeleted = true;
          } else if (restored.length > 0 || skipped.length > 0) {
            // What is left stays recorded, so running the restore again finishes the job.
            await ctx.checkpoint({
              key: `restore-scale-remaining:${cluster}:${ns}:${input.recordName}:${Object.keys(remaining).sort().join(',')}`,
              fn: () => writeRecord(core, ns, input.recordName, remaining, { by: ctx.user?.ref, taskId: ctx.task.id }, found.configMap),
            });
          }
          ctx.output('recordDeleted', recordDeleted);
          if (failure) {
            throw new Error(
              `${failure.message}. Restored so far: ${restored.map(r => `${r.kind}/${r.name}`).join(', ') || 'none'}; the rest stays in ConfigMap ${ns}/${input.recordName}: run the restore again`,
            );
          }

          if (input.wait) {
            const deadline = Date.now() + input.timeoutSeconds * 1000;
            const waits = await Promise.allSettled(
              restored.map(r =>
                waitForRollout(apps, r.kind as 'Deployment' | 'StatefulSet', ns, r.name, {
                  timeoutMs: Math.max(0, deadline - Date.now()),
                  intervalMs: pollIntervalMs,
                  signal: ctx.signal,
                }),
              ),
            );
            const notReady = waits
              .map((w, i) => (w.status === 'rejected' ? `${restored[i].kind}/${restored[i].name}: ${(w.reason as Error).message}` : undefined))
              .filter(Boolean);
            if (notReady.length) {
              throw new Error(`scaled back ${restored.length} workloads, but ${notReady.length} did not become available: ${notReady.join('; ')}`);
            }
          }
          return { restored: restored.length, skipped: skipped.length, recordDeleted };
        },
      );
    },
  });
}
