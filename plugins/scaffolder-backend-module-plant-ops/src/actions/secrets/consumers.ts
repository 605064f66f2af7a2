import { AppsV1Api, type V1PodTemplateSpec } from '@kubernetes/client-node';
import { readRolloutState, rolloutRestart, waitForRollout, type WorkloadKind } from '@plantops/backstage-plugin-plant-node';
import { fieldError } from '../../lib/errors';
import { describeKubeError, isNotFound } from '../../lib/kubeErrors';

export interface Workload {
  kind: WorkloadKind;
  name: string;
}

export const workloadName = (w: Workload) => `${w.kind}/${w.name}`;

/** Does the pod template mount the Secret, or read it into env? */
export function referencesSecret(template: V1PodTemplateSpec | undefined, secret: string): boolean {
  const spec = template?.spec;
  if (!spec) return false;
  const inVolumes = (spec.volumes ?? []).some(
    v => v.secret?.secretName === secret || (v.projected?.sources ?? []).some(s => s.secret?.name === secret),
  );
  const inContainers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].some(
    c =>
      (c.env ?? []).some(e => e.valueFrom?.secretKeyRef?.name === secret) ||
      (c.envFrom ?? []).some(e => e.secretRef?.name === secret),
  );
  return inVolumes || inContainers;
}

/**
 * The workloads to restart after the Secret changes: the Deployments named
 * in `names` (each must exist), or else every Deployment, StatefulSet and
 * DaemonSet of the namespace whose pods mount or env-reference the Secret.
 */
export async function findConsumers(
  apps: AppsV1Api,
  namespace: string,
  secret: string,
  names: string[] | undefined,
  field: string,
  fix = 'Name Deployments that use the Secret, or leave the field empty to find them',
): Promise<Workload[]> {
  try {
    if (names && names.length > 0) {
      const found: Workload[] = [];
      for (const name of names) {
        try {
          await apps.readNamespacedDeployment({ name, namespace });
        } catch (e) {
          if (isNotFound(e)) throw fieldError(field, `no Deployment "${name}" in ${namespace}`, fix);
          throw e;
        }
        found.push({ kind: 'Deployment', name });
      }
      return found;
    }
    const [d, s, ds] = await Promise.all([
      apps.listNamespacedDeployment({ namespace }),
      apps.listNamespacedStatefulSet({ namespace }),
      apps.listNamespacedDaemonSet({ namespace }),
    ]);
    return [
      ...d.items.filter(x => referencesSecret(x.spec?.template, secret)).map(x => ({ kind: 'Deployment' as const, name: x.metadata!.name! })),
      ...s.items.filter(x => referencesSecret(x.spec?.template, secret)).map(x => ({ kind: 'StatefulSet' as const, name: x.metadata!.name! })),
      ...ds.items.filter(x => referencesSecret(x.spec?.template, secret)).map(x => ({ kind: 'DaemonSet' as const, name: x.metadata!.name! })),
    ];
  } catch (e) {
    if ((e as Error).name === 'InputError') throw e;
    throw new Error(describeKubeError(`finding the workloads that use Secret ${namespace}/${secret}`, e));
  }
}

/** Refuses to rotate under workloads that are not healthy now: afterwards we could not tell what broke them. */
export async function requireRolledOut(apps: AppsV1Api, namespace: string, consumers: Workload[], field: string): Promise<void> {
  for (const w of consumers) {
    const state = await readRolloutState(apps, w.kind, namespace, w.name);
    if (!state.done) {
      throw fieldError(field, `${workloadName(w)} is not healthy before the rotation (${state.message})`, 'Fix it first, or leave it out; a rotation could not be verified on it');
    }
  }
}

/**
 * kubectl rollout restart for each, then rollout status for all. `notBefore`
 * keeps restartedAt (second precision) different from an earlier restart of
 * the same run. Resolves with the failures, as "Kind/name: message".
 */
export async function restartAndVerify(
  apps: AppsV1Api,
  namespace: string,
  consumers: Workload[],
  opts: { timeoutMs: number; intervalMs: number; signal?: AbortSignal; notBefore?: Date; onProgress?: (line: string) => void },
): Promise<{ restartedAt: Date; failures: string[] }> {
  const at = new Date(Math.max(Date.now(), (opts.notBefore?.getTime() ?? 0) + 1000));
  for (const w of consumers) {
    try {
      await rolloutRestart(apps, w.kind, namespace, w.name, at);
    } catch (e) {
      return { restartedAt: at, failures: [`${workloadName(w)}: ${describeKubeError('restart', e)}`] };
    }
  }
  const deadline = Date.now() + opts.timeoutMs;
  const results = await Promise.allSettled(
    consumers.map(w =>
      waitForRollout(apps, w.kind, namespace, w.name, {
        timeoutMs: Math.max(0, deadline - Date.now()),
        intervalMs: opts.intervalMs,
        signal: opts.signal,
        onProgress: s => opts.onProgress?.(s.message),
      }),
    ),
  );
  const failures = results
    .map((r, i) => (r.status === 'rejected' ? `${workloadName(consumers[i])}: ${(r.reason as Error).message}` : undefined))
    .filter((x): x is string => x !== undefined);
  return { restartedAt: at, failures };
}
