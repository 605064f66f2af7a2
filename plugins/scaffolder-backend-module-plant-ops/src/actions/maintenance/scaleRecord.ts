import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { describeKubeError, isNotFound } from '../../lib/kubeErrors';

export type ScalableKind = 'Deployment' | 'StatefulSet';

/** Replica counts before an emergency scale-down, keyed "Kind/name". */
export type ReplicaRecord = Record<string, number>;

export const DEFAULT_RECORD_NAME = 'plantops-scale-down-record';
const DATA_KEY = 'replicas.json';

export const recordKey = (kind: ScalableKind, name: string) => `${kind}/${name}`;

export function parseRecordKey(key: string): { kind: ScalableKind; name: string } {
  const [kind, name] = key.split('/');
  if ((kind !== 'Deployment' && kind !== 'StatefulSet') || !name) throw new Error(`unexpected entry "${key}" in the scale-down record`);
  return { kind, name };
}

export async function readRecord(core: CoreV1Api, namespace: string, name: string): Promise<{ record: ReplicaRecord; configMap: V1ConfigMap } | undefined> {
  let cm: V1ConfigMap;
  try {
    cm = await core.readNamespacedConfigMap({ name, namespace });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw new Error(describeKubeError(`reading ConfigMap ${namespace}/${name}`, e));
  }
  const raw = cm.data?.[DATA_KEY];
  let record: unknown;
  try {
    record = JSON.parse(raw ?? '');
  } catch {
    throw new Error(`ConfigMap ${namespace}/${name} has no readable ${DATA_KEY}; it was not written by plant:kubernetes:emergency-scale-down`);
  }
  if (!record || typeof record !== 'object' || Object.values(record).some(v => !Number.isInteger(v) || (v as number) < 0)) {
    throw new Error(`ConfigMap ${namespace}/${name}: ${DATA_KEY} is not a map of replica counts`);
  }
  return { record: record as ReplicaRecord, configMap: cm };
}

/** Creates or replaces the record; replacing is guarded by the resourceVersion read. */
export async function writeRecord(
  core: CoreV1Api,
  namespace: string,
  name: string,
  record: ReplicaRecord,
  meta: { by?: string; taskId: string },
  existing?: V1ConfigMap,
): Promise<void> {
  const body: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      resourceVersion: existing?.metadata?.resourceVersion,
      labels: { 'app.kubernetes.io/managed-by': 'plantops-portal' },
      annotations: {
        'plantops.io/scaled-down-at': existing?.metadata?.annotations?.['plantops.io/scaled-down-at'] ?? new Date().toISOString(),
        'plantops.io/scaled-down-by': meta.by ?? 'unknown',
        'plantops.io/task-id': meta.taskId,
      },
    },
    data: { [DATA_KEY]: JSON.stringify(record, Object.keys(record).sort(), 2) },
  };
  try {
    if (existing) await core.replaceNamespacedConfigMap({ name, namespace, body });
    else await core.createNamespacedConfigMap({ namespace, body });
  } catch (e) {
    throw new Error(describeKubeError(`writing the replica record ConfigMap ${namespace}/${name}`, e));
  }
}
