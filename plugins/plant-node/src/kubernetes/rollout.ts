import {
  AppsV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1DaemonSet,
  type V1Deployment,
  type V1PodTemplateSpec,
  type V1ReplicaSet,
  type V1StatefulSet,
} from '@kubernetes/client-node';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

/** Where a rollout stands, as `kubectl rollout status` would say it. */
export interface RolloutState {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  /** the rollout finished: every replica updated and available */
  done: boolean;
  /** the rollout cannot finish (ProgressDeadlineExceeded) */
  failed: boolean;
  /** kubectl's line, e.g. `Waiting for deployment "x" rollout to finish: 1 of 3 updated replicas are available...` */
  message: string;
  generation: number;
  observedGeneration: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  /** the Deployment's revision annotation, if any */
  revision?: string;
}

/** Deployment: the logic of kubectl's DeploymentStatusViewer. */
export function deploymentRolloutState(d: V1Deployment): RolloutState {
  const name = d.metadata?.name ?? '';
  const s = d.status ?? {};
  const desired = d.spec?.replicas ?? 1;
  const base = {
    kind: 'Deployment' as const,
    name,
    namespace: d.metadata?.namespace ?? '',
    generation: d.metadata?.generation ?? 0,
    observedGeneration: s.observedGeneration ?? 0,
    replicas: s.replicas ?? 0,
    updatedReplicas: s.updatedReplicas ?? 0,
    readyReplicas: s.readyReplicas ?? 0,
    availableReplicas: s.availableReplicas ?? 0,
    revision: d.metadata?.annotations?.[REVISION_ANNOTATION],
  };
  const state = (done: boolean, message: string, failed = false) => ({ ...base, done, failed, message });
  if (base.generation > base.observedGeneration) {
    return state(false, 'Waiting for deployment spec update to be observed...');
  }
  const progressing = s.conditions?.find(c => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return state(false, `deployment "${name}" exceeded its progress deadline`, true);
  }
  if (base.updatedReplicas < desired) {
    return state(false, `Waiting for deployment "${name}" rollout to finish: ${base.updatedReplicas} out of ${desired} new replicas have been updated...`);
  }
  if (base.replicas > base.updatedReplicas) {
    return state(false, `Waiting for deployment "${name}" rollout to finish: ${base.replicas - base.updatedReplicas} old replicas are pending termination...`);
  }
  if (base.availableReplicas < base.updatedReplicas) {
    return state(false, `Waiting for deployment "${name}" rollout to finish: ${base.availableReplicas} of ${base.updatedReplicas} updated replicas are available...`);
  }
  return state(true, `deployment "${name}" successfully rolled out`);
}

/** StatefulSet: kubectl's StatefulSetStatusViewer (RollingUpdate strategy). */
export function statefulSetRolloutState(sts: V1StatefulSet): RolloutState {
  const s = sts.status ?? ({} as NonNullable<V1StatefulSet['status']>);
  const desired = sts.spec?.replicas ?? 1;
  const base = {
    kind: 'StatefulSet' as const,
    name: sts.metadata?.name ?? '',
    namespace: sts.metadata?.namespace ?? '',
    generation: sts.metadata?.generation ?? 0,
    observedGeneration: s.observedGeneration ?? 0,
    replicas: s.replicas ?? 0,
    updatedReplicas: s.updatedReplicas ?? 0,
    readyReplicas: s.readyReplicas ?? 0,
    availableReplicas: s.availableReplicas ?? 0,
  };
  const state = (done: boolean, message: string) => ({ ...base, done, failed: false, message });
  if (base.observedGeneration === 0 || base.generation > base.observedGeneration) {
    return state(false, 'Waiting for statefulset spec update to be observed...');
  }
  if (base.readyReplicas < desired) {
    return state(false, `Waiting for ${desired - base.readyReplicas} pods to be ready...`);
  }
  if (s.updateRevision !== s.currentRevision) {
    return state(false, `waiting for statefulset rolling update to complete ${base.updatedReplicas} pods at revision ${s.updateRevision}...`);
  }
  return state(true, `statefulset rolling update complete ${s.currentReplicas ?? base.replicas} pods at revision ${s.currentRevision}...`);
}

/** DaemonSet: kubectl's DaemonSetStatusViewer. */
export function daemonSetRolloutState(ds: V1DaemonSet): RolloutState {
  const name = ds.metadata?.name ?? '';
  const s = ds.status ?? ({} as NonNullable<V1DaemonSet['status']>);
  const desired = s.desiredNumberScheduled ?? 0;
  const base = {
    kind: 'DaemonSet' as const,
    name,
    namespace: ds.metadata?.namespace ?? '',
    generation: ds.metadata?.generation ?? 0,
    observedGeneration: s.observedGeneration ?? 0,
    replicas: desired,
    updatedReplicas: s.updatedNumberScheduled ?? 0,
    readyReplicas: s.numberReady ?? 0,
    availableReplicas: s.numberAvailable ?? 0,
  };
  const state = (done: boolean, message: string) => ({ ...base, done, failed: false, message });
  if (base.generation > base.observedGeneration) {
    return state(false, 'Waiting for daemon set spec update to be observed...');
  }
  if (base.updatedReplicas < desired) {
    return state(false, `Waiting for daemon set "${name}" rollout to finish: ${base.updatedReplicas} out of ${desired} new pods have been updated...`);
  }
  if (base.availableReplicas < desired) {
    return state(false, `Waiting for daemon set "${name}" rollout to finish: ${base.availableReplicas} of ${desired} updated pods are available...`);
  }
  return state(true, `daemon set "${name}" successfully rolled out`);
}

export async function readRolloutState(apps: AppsV1Api, kind: WorkloadKind, namespace: string, name: string): Promise<RolloutState> {
  switch (kind) {
    case 'Deployment':
      return deploymentRolloutState(await apps.readNamespacedDeployment({ name, namespace }));
    case 'StatefulSet':
      return statefulSetRolloutState(await apps.readNamespacedStatefulSet({ name, namespace }));
    case 'DaemonSet':
      return daemonSetRolloutState(await apps.readNamespacedDaemonSet({ name, namespace }));
    default:
      throw new Error(`unsupported workload kind ${kind}`);
  }
}

/** A rollout that cannot finish, or did not within the time given. */
export class RolloutError extends Error {
  constructor(
    message: string,
    readonly state: RolloutState,
    readonly reason: 'ProgressDeadlineExceeded' | 'Timeout' | 'Cancelled',
  ) {
    super(message);
    this.name = 'RolloutError';
  }
}

/**
 * Polls the workload until its rollout is done (resolves with the final
 * state), fails (ProgressDeadlineExceeded), runs out of `timeoutMs`, or
 * `signal` aborts. Each of the last three throws a RolloutError carrying the
 * last state seen.
 */
export async function waitForRollout(
  apps: AppsV1Api,
  kind: WorkloadKind,
  namespace: string,
  name: string,
  opts: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal; onProgress?: (s: RolloutState) => void },
): Promise<RolloutState> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastMessage = '';
  for (;;) {
    const state = await readRolloutState(apps, kind, namespace, name);
    if (state.message !== lastMessage) {
      lastMessage = state.message;
      opts.onProgress?.(state);
    }
    if (state.done) return state;
    if (state.failed) throw new RolloutError(state.message, state, 'ProgressDeadlineExceeded');
    if (opts.signal?.aborted) {
      throw new RolloutError(`cancelled while waiting for the rollout of ${kind.toLowerCase()} "${name}": ${state.message}`, state, 'Cancelled');
    }
    if (Date.now() >= deadline) {
      throw new RolloutError(
        `timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for the rollout of ${kind.toLowerCase()} "${name}": ${state.message}`,
        state,
        'Timeout',
      );
    }
    await abortableSleep(Math.min(opts.intervalMs ?? 1000, Math.max(0, deadline - Date.now())), opts.signal);
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** One entry of `kubectl rollout history deployment/x`. */
export interface RolloutRevision {
  revision: number;
  replicaSet: string;
  images: string[];
  changeCause?: string;
  /** When the ReplicaSet was created. */
  createdAt?: Date;
  template: V1PodTemplateSpec;
}

const imagesOf = (t?: V1PodTemplateSpec) => (t?.spec?.containers ?? []).map(c => `${c.name}=${c.image}`);

/** The Deployment's ReplicaSets (by controller reference) as revisions, oldest first. */
export async function rolloutHistory(apps: AppsV1Api, deployment: V1Deployment): Promise<RolloutRevision[]> {
  const namespace = deployment.metadata!.namespace!;
  const uid = deployment.metadata!.uid;
  const selector = Object.entries(deployment.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const list = await apps.listNamespacedReplicaSet({ namespace, labelSelector: selector || undefined });
  return list.items
    .filter((rs: V1ReplicaSet) => rs.metadata?.ownerReferences?.some(r => r.controller && r.uid === uid))
    .map(rs => ({
      revision: Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? 0),
      replicaSet: rs.metadata!.name!,
      images: imagesOf(rs.spec?.template),
      changeCause: rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION],
      createdAt: rs.metadata?.creationTimestamp,
      template: rs.spec!.template!,
    }))
    .sort((a, b) => a.revision - b.revision);
}

/** What `kubectl rollout undo` would do, worked out without writing. */
export interface RolloutUndoPlan {
  namespace: string;
  name: string;
  resourceVersion: string;
  fromRevision: number;
  toRevision: number;
  fromImages: string[];
  toImages: string[];
  /** the current template already equals the target revision's */
  noop: boolean;
  /** the template to write: the target ReplicaSet's, minus pod-template-hash */
  template: V1PodTemplateSpec;
}

function withoutHash(t: V1PodTemplateSpec): V1PodTemplateSpec {
  const copy: V1PodTemplateSpec = structuredClone(t);
  if (copy.metadata?.labels) {
    delete copy.metadata.labels['pod-template-hash'];
  }
  return copy;
}

const sameTemplate = (a: V1PodTemplateSpec, b: V1PodTemplateSpec) =>
  JSON.stringify(normalizeForCompare(withoutHash(a))) === JSON.stringify(normalizeForCompare(withoutHash(b)));

function normalizeForCompare(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeForCompare);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, normalizeForCompare(v)]),
    );
  }
  return value;
}

/** Errors of planning an undo, said as kubectl says them. */
export class RolloutUndoError extends Error {
  constructor(message: string, readonly available: number[] = []) {
    super(message);
    this.name = 'RolloutUndoError';
  }
}

/**
 * Plans `kubectl rollout undo deployment/<name> [--to-revision=N]`: kubectl
 * does it client-side by copying the chosen revision's ReplicaSet template
 * into the Deployment. `toRevision` 0 (or absent) means the previous one.
 */
export async function planRolloutUndo(apps: AppsV1Api, namespace: string, name: string, toRevision = 0): Promise<RolloutUndoPlan> {
  const d = await apps.readNamespacedDeployment({ name, namespace });
  if (d.spec?.paused) {
    throw new RolloutUndoError(`you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${name}' and try again`);
  }
  const history = await rolloutHistory(apps, d);
  if (history.length === 0) throw new RolloutUndoError(`no rollout history found for deployment "${name}"`);
  const current = history.find(h => sameTemplate(h.template, d.spec!.template)) ?? history[history.length - 1];
  const fromRevision = Number(d.metadata?.annotations?.[REVISION_ANNOTATION] ?? current.revision);
  let target: RolloutRevision | undefined;
  if (toRevision > 0) {
    target = history.find(h => h.revision === toRevision);
    if (!target) {
      throw new RolloutUndoError(`unable to find specified revision ${toRevision} in history`, history.map(h => h.revision));
    }
  } else {
    target = [...history].reverse().find(h => h.revision < fromRevision);
    if (!target) throw new RolloutUndoError(`no revision before ${fromRevision} found for deployment "${name}"`, history.map(h => h.revision));
  }
  return {
    namespace,
    name,
    resourceVersion: d.metadata!.resourceVersion!,
    fromRevision,
    toRevision: target.revision,
    fromImages: imagesOf(d.spec?.template),
    toImages: imagesOf(target.template),
    noop: sameTemplate(target.template, d.spec!.template),
    template: withoutHash(target.template),
  };
}

/**
 * Writes an undo plan: a JSON patch that replaces spec.template, guarded by
 * a `test` of the resourceVersion the plan was made from (so a concurrent
 * change is a conflict, not a silent overwrite).
 */
export async function applyRolloutUndo(apps: AppsV1Api, plan: RolloutUndoPlan): Promise<V1Deployment> {
  return apps.patchNamespacedDeployment(
    {
      name: plan.name,
      namespace: plan.namespace,
      body: [
        { op: 'test', path: '/metadata/resourceVersion', value: plan.resourceVersion },
        { op: 'replace', path: '/spec/template', value: plan.template },
      ],
    },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
}

/**
 * `kubectl rollout restart`: stamps the pod template with
 * `kubectl.kubernetes.io/restartedAt`, so the controller replaces every pod.
 */
export async function rolloutRestart(
  apps: AppsV1Api,
  kind: WorkloadKind,
  namespace: string,
  name: string,
  at: Date = new Date(),
): Promise<{ restartedAt: string; generation: number }> {
  const restartedAt = at.toISOString().replace(/\.\d+Z$/, 'Z');
  const body = { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } } };
  const opts = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
  let result: V1Deployment | V1StatefulSet | V1DaemonSet;
  if (kind === 'Deployment') {
    const d = await apps.readNamespacedDeployment({ name, namespace });
    if (d.spec?.paused) throw new RolloutUndoError(`can't restart paused deployment (run rollout resume first)`);
    result = await apps.patchNamespacedDeployment({ name, namespace, body }, opts);
  } else if (kind === 'StatefulSet') {
    result = await apps.patchNamespacedStatefulSet({ name, namespace, body }, opts);
  } else {
    result = await apps.patchNamespacedDaemonSet({ name, namespace, body }, opts);
  }
  return { restartedAt, generation: result.metadata?.generation ?? 0 };
}

/** Reads a Deployment's or StatefulSet's replica count through its scale subresource. */
export async function readScale(apps: AppsV1Api, kind: 'Deployment' | 'StatefulSet', namespace: string, name: string) {
  const scale =
    kind === 'Deployment'
      ? await apps.readNamespacedDeploymentScale({ name, namespace })
      : await apps.readNamespacedStatefulSetScale({ name, namespace });
  return { replicas: scale.spec?.replicas ?? 0, resourceVersion: scale.metadata?.resourceVersion, scale };
}

/**
 * `kubectl scale`: writes the scale subresource. With `expectedReplicas`
 * (kubectl's --current-replicas) it refuses when the count moved meanwhile;
 * the resourceVersion of the read guards against a concurrent change.
 */
export async function scaleWorkload(
  apps: AppsV1Api,
  kind: 'Deployment' | 'StatefulSet',
  namespace: string,
  name: string,
  replicas: number,
  opts: { expectedReplicas?: number } = {},
): Promise<{ before: number; after: number }> {
  const { replicas: before, scale } = await readScale(apps, kind, namespace, name);
  if (opts.expectedReplicas !== undefined && opts.expectedReplicas !== before) {
    throw new Error(`expected ${opts.expectedReplicas} replicas of ${kind.toLowerCase()} "${name}", found ${before}`);
  }
  const body = { ...scale, spec: { replicas } };
  const written =
    kind === 'Deployment'
      ? await apps.replaceNamespacedDeploymentScale({ name, namespace, body })
      : await apps.replaceNamespacedStatefulSetScale({ name, namespace, body });
  return { before, after: written.spec?.replicas ?? replicas };
}
