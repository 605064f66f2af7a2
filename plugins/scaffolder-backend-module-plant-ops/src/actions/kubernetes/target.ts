import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  resolveEntityWorkload,
  RolloutError,
  waitForRollout,
  type CatalogReader,
  type RolloutState,
  type WorkloadKind,
} from '@plantops/backstage-plugin-plant-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ActionContext, TemplateExample } from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import { fieldError } from '../../lib/errors';
import type { InputShape, ParsedInput } from '../../lib/input';
import type { KubeAccess } from '../../lib/kubeAccess';
import { createOperationAction, type Operation } from '../../lib/operation';
import type { PlantOpsDeps } from '../../deps';
import { describeKubeError, isNotFound, kubeStatus } from '../../lib/kubeErrors';

export interface KubernetesActionOptions extends Pick<PlantOpsDeps, 'auditor'> {
  kube: KubeAccess;
  catalog?: CatalogReader;
  /** How often rollout status is read (default 2 s). */
  pollIntervalMs?: number;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The input fields every workload action shares: an entity, or cluster + namespace + name. */
export function workloadInput<K extends readonly [WorkloadKind, ...WorkloadKind[]]>(kinds: K) {
  return {
    entityRef: z =>
      z.string().optional().describe('Catalog entity whose workload to act on (its backstage.io/kubernetes-id, -namespace and the kubernetes-cluster it depends on), e.g. component:default/ms5-gateway'),
    cluster: z =>
      z.string().optional().describe('Catalog Resource of type kubernetes-cluster, e.g. resource:default/ms5-prod-aks (default: the cluster the entity depends on)'),
    namespace: z => z.string().optional().describe("Namespace of the workload (default: the entity's backstage.io/kubernetes-namespace)"),
    name: z => z.string().optional().describe("Name of the workload (default: the entity's backstage.io/kubernetes-id)"),
    kind: z => (z.enum(kinds as unknown as [string, ...string[]]) as zod.ZodType<K[number]>).default(kinds[0]).describe(`Kind of workload: ${kinds.join(', ')}`),
  } satisfies InputShape;
}

export interface WorkloadTarget {
  cluster: string;
  namespace: string;
  name: string;
  kind: WorkloadKind;
  apps: AppsV1Api;
  kubeConfig: KubeConfig;
  /** `cluster/namespace/kind/name`, for audit records and checkpoint keys */
  id: string;
}

/**
 * Resolves the workload an action aims at, and checks it exists, so a typo is
 * a field error before anything is written.
 */
export async function resolveWorkload(
  input: { entityRef?: string; cluster?: string; namespace?: string; name?: string; kind: WorkloadKind },
  deps: { kube: KubeAccess; catalog?: CatalogReader; credentials: BackstageCredentials },
): Promise<WorkloadTarget & { workload: any }> {
  let { cluster, namespace, name } = input;
  if (input.entityRef) {
    if (!deps.catalog) throw fieldError('entityRef', 'cannot be used here (no catalog)', 'Give cluster, namespace and name instead');
    const w = await resolveEntityWorkload(deps.catalog, input.entityRef, { credentials: deps.credentials, cluster, field: 'entityRef' });
    cluster = w.cluster;
    namespace = namespace ?? w.namespace;
    name = name ?? w.name;
  }
  if (!cluster) throw fieldError('cluster', 'is missing', 'Give a kubernetes-cluster Resource such as resource:default/ms5-prod-aks, or an entityRef');
  if (!namespace) throw fieldError('namespace', 'is missing', 'Give the namespace of the workload, or an entityRef that carries backstage.io/kubernetes-namespace');
  if (!name) throw fieldError('name', 'is missing', `Give the ${input.kind}'s name, or an entityRef that carries backstage.io/kubernetes-id`);
  if (!DNS_SUBDOMAIN.test(namespace) || namespace.length > 63) {
    throw fieldError('namespace', `"${namespace}" is not a namespace name`, 'Use lower-case letters, digits and "-"');
  }
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
    throw fieldError('name', `"${name}" is not a valid ${input.kind} name`, 'Use lower-case letters, digits, "-" and "."');
  }
  const { kubeConfig, cluster: clusterName } = await deps.kube.kubeConfig(cluster, { field: 'cluster', credentials: deps.credentials });
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const workload = await readWorkload(apps, input.kind, namespace, name).catch(e => {
    if (isNotFound(e)) {
      throw fieldError('name', `${input.kind} ${namespace}/${name} does not exist on cluster ${clusterName}`, 'Check the name, namespace and cluster (kubectl get deployments -n <namespace>)');
    }
    const code = kubeStatus(e)?.code;
    if (code === 401) {
      throw new Error(`cluster ${clusterName} refused the service account token (401 Unauthorized). Check the token under plant.kubernetes.clusters[name=${clusterName}] (serviceAccountToken or serviceAccountTokenEnv); nothing was changed`);
    }
    throw new Error(describeKubeError(`reading ${input.kind} ${namespace}/${name} on ${clusterName}`, e));
  });
  return {
    cluster: clusterName,
    namespace,
    name,
    kind: input.kind,
    apps,
    kubeConfig,
    workload,
    id: `${clusterName}/${namespace}/${input.kind.toLowerCase()}/${name}`,
  };
}

export function readWorkload(apps: AppsV1Api, kind: WorkloadKind, namespace: string, name: string): Promise<any> {
  if (kind === 'Deployment') return apps.readNamespacedDeployment({ name, namespace });
  if (kind === 'StatefulSet') return apps.readNamespacedStatefulSet({ name, namespace });
  return apps.readNamespacedDaemonSet({ name, namespace });
}

/** `container=image` for each container of a pod template. */
export const imagesOf = (workload: any): Record<string, string> =>
  Object.fromEntries((workload.spec?.template?.spec?.containers ?? []).map((c: any) => [c.name, c.image]));

/**
 * Waits for the workload's rollout with kubectl's semantics, logging each new
 * status line. On failure, timeout or cancellation the error says where the
 * rollout stood and `changed` (what this action already wrote).
 */
export async function awaitRollout(
  target: WorkloadTarget,
  opts: { timeoutSeconds: number; pollIntervalMs: number; signal?: AbortSignal; logger: LoggerService; changed: string },
): Promise<RolloutState> {
  try {
    return await waitForRollout(target.apps, target.kind, target.namespace, target.name, {
      timeoutMs: opts.timeoutSeconds * 1000,
      intervalMs: opts.pollIntervalMs,
      signal: opts.signal,
      onProgress: s => opts.logger.info(s.message),
    });
  } catch (e) {
    if (e instanceof RolloutError) {
      const s = e.state;
      throw new Error(
        `${e.message} (${s.updatedReplicas} updated, ${s.availableReplicas} available of ${s.replicas} on ${target.cluster}). ${opts.changed}`,
      );
    }
    throw new Error(`${describeKubeError(`reading the rollout of ${target.kind} ${target.namespace}/${target.name}`, e)}. ${opts.changed}`);
  }
}

type WorkloadInput<K extends readonly [WorkloadKind, ...WorkloadKind[]]> = ReturnType<typeof workloadInput<K>>;

/**
 * A plant:kubernetes:* action on one workload: the entity or cluster,
 * namespace and name inputs, the cluster and workload outputs, the workload
 * resolved and read before `run` (after `check`, which sees the input only).
 */
export function createWorkloadAction<K extends readonly [WorkloadKind, ...WorkloadKind[]], S extends InputShape>(
  options: KubernetesActionOptions,
  spec: {
    id: string;
    description: string;
    examples: TemplateExample[];
    kinds: K;
    input: S;
    output: InputShape;
    check?(input: ParsedInput<WorkloadInput<K> & S>): void;
    run(
      op: Operation<WorkloadTarget & { workload: any }>,
      input: ParsedInput<WorkloadInput<K> & S>,
      ctx: ActionContext<any, any>,
      workload: string,
    ): Promise<void>;
  },
) {
  const { kube, catalog } = options;
  return createOperationAction({
    id: spec.id,
    description: spec.description,
    examples: spec.examples,
    auditor: options.auditor,
    input: { ...workloadInput(spec.kinds), ...spec.input } as WorkloadInput<K> & S,
    output: {
      cluster: z => z.string().describe('Cluster the workload runs on'),
      workload: z => z.string().describe('namespace/kind/name of the workload'),
      ...spec.output,
    },
    check: spec.check,
    resolve: (input, credentials) =>
      resolveWorkload(input as any, { kube, catalog, credentials }),
    async run(op, input, ctx) {
      const { target } = op;
      const workload = `${target.namespace}/${target.kind.toLowerCase()}/${target.name}`;
      ctx.output('cluster', target.cluster);
      ctx.output('workload', workload);
      await spec.run(op, input, ctx, workload);
    },
  });
}
