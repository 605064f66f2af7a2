import { createHash, randomBytes } from 'node:crypto';
import { findType, ResourceType } from './resources';
import { matchesLabelSelectorObject } from './selectors';
import { Store, StoreEvent, StatusError } from './store';

export interface ControllerOptions {
  /** how long a new pod takes to become Ready (default 50 ms) */
  podReadyDelayMs: number;
  /** how long a rollout may stall before Progressing=False/ProgressDeadlineExceeded (default 1000 ms; spec.progressDeadlineSeconds, if shorter, wins) */
  progressDeadlineMs: number;
  /** images whose pods never become ready (ImagePullBackOff) */
  isBrokenImage: (image: string) => boolean;
}

const T = (group: string, plural: string) => findType(group, 'v1', plural)!;
const DEPLOYMENTS = T('apps', 'deployments');
const REPLICASETS = T('apps', 'replicasets');
const STATEFULSETS = T('apps', 'statefulsets');
const DAEMONSETS = T('apps', 'daemonsets');
const PODS = T('', 'pods');
const NODES = T('', 'nodes');
const PDBS = T('policy', 'poddisruptionbudgets');

export const REVISION = 'deployment.kubernetes.io/revision';
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** A hash of the pod template, as `pod-template-hash` (the real one is FNV; any stable hash will do). */
export function templateHash(template: any): string {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
  return createHash('sha256').update(JSON.stringify(t)).digest('hex').slice(0, 10);
}

const ownerRef = (kind: string, obj: any) => ({
  apiVersion: 'apps/v1',
  kind,
  name: obj.metadata.name,
  uid: obj.metadata.uid,
  controller: true,
  blockOwnerDeletion: true,
});

const ownedBy = (o: any, uid: string) => o.metadata.ownerReferences?.some((r: any) => r.uid === uid);
const isReady = (pod: any) =>
  pod.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ?? false;

function percentOrInt(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = String(value).match(/^(\d+)%$/);
  if (!m) return Number(value) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * The controllers the double simulates: Deployment (ReplicaSets, revisions,
 * status, progress deadline), ReplicaSet, StatefulSet and DaemonSet (pods),
 * the kubelet (pods turn Ready after a delay unless their image is broken),
 * and PodDisruptionBudget status. They react to store events, like the real ones
 * react to watches.
 */
export class Controllers {
  private queued = new Set<string>();
  private timers = new Set<NodeJS.Timeout>();
  private progress = new Map<string, { key: string; ready: number; since: number }>();
  private stopped = false;
  private unsubscribe: () => void;
  private rr = 0;

  constructor(private readonly store: Store, readonly options: ControllerOptions) {
    this.unsubscribe = store.onEvent(e => this.onEvent(e));
  }

  stop() {
    this.stopped = true;
    this.unsubscribe();
    for (const t of this.timers) clearTimeout(t);
  }

  private later(ms: number, fn: () => void) {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  /** Coalesces work per object: a burst of events runs one reconcile. */
  private enqueue(kind: string, ns: string, name: string, delayMs = 0) {
    const key = `${kind}|${ns}|${name}`;
    if (delayMs === 0 && this.queued.has(key)) return;
    if (delayMs === 0) this.queued.add(key);
    this.later(delayMs, () => {
      this.queued.delete(key);
      try {
        this.reconcile(kind, ns, name);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    });
  }

  private onEvent(e: StoreEvent) {
    const o = e.object;
    const ns = o.metadata.namespace;
    switch (e.resource.kind) {
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
        if (e.type !== 'DELETED') this.enqueue(e.resource.kind, ns, o.metadata.name);
        break;
      case 'Pod':
        for (const ref of o.metadata.ownerReferences ?? []) {
          this.enqueue(ref.kind, ns, ref.name);
        }
        this.enqueue('PDBs', ns, '');
        break;
      case 'Node':
        for (const ds of this.store.list(DAEMONSETS)) {
          this.enqueue('DaemonSet', ds.metadata.namespace, ds.metadata.name);
        }
        break;
      case 'PodDisruptionBudget':
        if (e.type !== 'DELETED') this.enqueue('PDBs', ns, '');
        break;
      default:
    }
    if (e.resource.kind === 'ReplicaSet') {
      for (const ref of o.metadata.ownerReferences ?? []) this.enqueue(ref.kind, ns, ref.name);
    }
  }

  private reconcile(kind: string, ns: string, name: string) {
    switch (kind) {
      case 'Deployment':
        return this.deployment(ns, name);
      case 'ReplicaSet':
        return this.replicaSet(ns, name);
      case 'StatefulSet':
        return this.statefulSet(ns, name);
      case 'DaemonSet':
        return this.daemonSet(ns, name);
      case 'PDBs':
        return this.pdbs(ns);
      default:
        return undefined;
    }
  }

  // ---- Deployment -------------------------------------------------------

  private deployment(ns: string, name: string) {
    const d = this.store.get(DEPLOYMENTS, ns, name);
    if (!d) return;
    if (d.spec.paused) {
      this.setStatus(DEPLOYMENTS, d, { ...d.status, observedGeneration: d.metadata.generation });
      return;
    }
    const hash = templateHash(d.spec.template);
    const owned = this.store.list(REPLICASETS, ns).filter(rs => ownedBy(rs, d.metadata.uid));
    const revisionOf = (rs: any) => Number(rs.metadata.annotations?.[REVISION] ?? 0);
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    const desired = d.spec.replicas ?? 1;
    let newRs = owned.find(rs => rs.metadata.labels?.['pod-template-hash'] === hash);
    if (!newRs) {
      const template = structuredClone(d.spec.template);
      template.metadata = template.metadata ?? {};
      template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
      newRs = this.store.create(REPLICASETS, ns, {
        metadata: {
          name: `${name}-${hash}`,
          namespace: ns,
          labels: template.metadata.labels,
          annotations: {
            [REVISION]: String(maxRevision + 1),
            'deployment.kubernetes.io/desired-replicas': String(desired),
          },
          ownerReferences: [ownerRef('Deployment', d)],
        },
        spec: {
          replicas: desired,
          selector: {
            ...d.spec.selector,
            matchLabels: { ...d.spec.selector.matchLabels, 'pod-template-hash': hash },
          },
          template,
        },
      });
    } else {
      let changed = false;
      const rs = newRs;
      if (revisionOf(rs) !== maxRevision) {
        // rolling back to an old template makes its ReplicaSet the newest revision
        rs.metadata.annotations = { ...rs.metadata.annotations, [REVISION]: String(maxRevision + 1) };
        changed = true;
      }
      if (rs.spec.replicas !== desired) {
        rs.spec.replicas = desired;
        changed = true;
      }
      if (changed) newRs = this.store.replace(REPLICASETS, ns, rs.metadata.name, rs);
    }
    const newPods = this.store.list(PODS, ns).filter(p => ownedBy(p, newRs.metadata.uid));
    const newReady = newPods.filter(isReady).length;
    // the progress clock restarts on every spec change and whenever another new pod turns ready
    const progressKey = `${hash}/${d.metadata.generation}`;
    const seen = this.progress.get(d.metadata.uid);
    if (!seen || seen.key !== progressKey || newReady > seen.ready) {
      this.progress.set(d.metadata.uid, { key: progressKey, ready: newReady, since: Date.now() });
    }
    const olds = this.store
      .list(REPLICASETS, ns)
      .filter(rs => ownedBy(rs, d.metadata.uid) && rs.metadata.uid !== newRs.metadata.uid);
    // the old ReplicaSets keep serving until the new one is fully ready (a simplified surge)
    if (newReady >= desired) {
      for (const old of olds) {
        if (old.spec.replicas !== 0) {
          old.spec.replicas = 0;
          this.store.replace(REPLICASETS, ns, old.metadata.name, old);
        }
      }
    }
    // prune history beyond revisionHistoryLimit
    const history = olds
      .filter(rs => rs.spec.replicas === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    while (history.length > (d.spec.revisionHistoryLimit ?? 10)) {
      const rs = history.shift();
      this.store.delete(REPLICASETS, ns, rs.metadata.name);
    }

    const allPods = this.store
      .list(PODS, ns)
      .filter(p => [newRs, ...olds].some(rs => ownedBy(p, rs.metadata.uid)));
    const ready = allPods.filter(isReady).length;
    const replicas = allPods.length;
    const updated = newPods.length;
    const complete = updated === desired && replicas === desired && ready === desired;
    const maxUnavailable = percentOrInt(d.spec.strategy?.rollingUpdate?.maxUnavailable, desired, false);
    const available = ready >= desired - maxUnavailable;

    const started = this.progress.get(d.metadata.uid)!.since;
    const deadline = Math.min(this.options.progressDeadlineMs, (d.spec.progressDeadlineSeconds ?? 600) * 1000);
    const rsName = newRs.metadata.name;
    let progressing: [string, string, string];
    if (complete) {
      progressing = ['True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`];
    } else if (Date.now() - started >= deadline) {
      progressing = ['False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`];
    } else {
      progressing = ['True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`];
      this.enqueue('Deployment', ns, name, deadline - (Date.now() - started) + 5);
    }
    const conditions = mergeConditions(d.status?.conditions, [
      available
        ? ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']
        : ['Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'],
      ['Progressing', ...progressing],
    ]);
    const status: any = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(replicas - ready > 0 ? { unavailableReplicas: replicas - ready } : {}),
      conditions,
    };
    if (ready === 0) {
      delete status.readyReplicas;
      delete status.availableReplicas;
    }
    const revision = newRs.metadata.annotations?.[REVISION];
    if (d.metadata.annotations?.[REVISION] !== revision) {
      d.metadata.annotations = { ...d.metadata.annotations, [REVISION]: revision };
      const saved = this.store.replace(DEPLOYMENTS, ns, name, d);
      d.metadata = saved.metadata;
    }
    this.setStatus(DEPLOYMENTS, d, status);
  }

  // ---- ReplicaSet -------------------------------------------------------

  private replicaSet(ns: string, name: string) {
    const rs = this.store.get(REPLICASETS, ns, name);
    if (!rs) return;
    const pods = this.store.list(PODS, ns).filter(p => ownedBy(p, rs.metadata.uid));
    const desired = rs.spec.replicas ?? 1;
    for (let i = pods.length; i < desired; i++) {
      this.createPod(rs, 'ReplicaSet', `${name}-${randomBytes(3).toString('hex').slice(0, 5)}`);
    }
    const extra = pods.length - desired;
    if (extra > 0) {
      // like the real controller, remove not-ready pods first
      const victims = [...pods].sort((a, b) => Number(isReady(a)) - Number(isReady(b))).slice(0, extra);
      for (const p of victims) this.store.delete(PODS, ns, p.metadata.name);
    }
    const now = this.store.list(PODS, ns).filter(p => ownedBy(p, rs.metadata.uid));
    const ready = now.filter(isReady).length;
    this.setStatus(REPLICASETS, rs, {
      replicas: now.length,
      fullyLabeledReplicas: now.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
    });
  }

  // ---- StatefulSet and DaemonSet ---------------------------------------

  private statefulSet(ns: string, name: string) {
    const s = this.store.get(STATEFULSETS, ns, name);
    if (!s) return;
    const revision = `${name}-${templateHash(s.spec.template)}`;
    const desired = s.spec.replicas ?? 1;
    const pods = this.store.list(PODS, ns).filter(p => ownedBy(p, s.metadata.uid));
    for (const p of pods) {
      const ordinal = Number(p.metadata.name.slice(name.length + 1));
      if (ordinal >= desired || p.metadata.labels?.['controller-revision-hash'] !== revision) {
        this.store.delete(PODS, ns, p.metadata.name);
      }
    }
    for (let i = 0; i < desired; i++) {
      if (!this.store.get(PODS, ns, `${name}-${i}`)) {
        this.createPod(s, 'StatefulSet', `${name}-${i}`, {
          'controller-revision-hash': revision,
          'statefulset.kubernetes.io/pod-name': `${name}-${i}`,
        });
      }
    }
    const now = this.store.list(PODS, ns).filter(p => ownedBy(p, s.metadata.uid));
    const ready = now.filter(isReady).length;
    this.setStatus(STATEFULSETS, s, {
      observedGeneration: s.metadata.generation,
      replicas: now.length,
      readyReplicas: ready,
      currentReplicas: now.length,
      updatedReplicas: now.length,
      availableReplicas: ready,
      currentRevision: revision,
      updateRevision: revision,
    });
  }

  private daemonSet(ns: string, name: string) {
    const ds = this.store.get(DAEMONSETS, ns, name);
    if (!ds) return;
    const revision = templateHash(ds.spec.template);
    const nodes = this.schedulableNodes();
    const pods = this.store.list(PODS, ns).filter(p => ownedBy(p, ds.metadata.uid));
    for (const p of pods) {
      if (!nodes.includes(p.spec.nodeName) || p.metadata.labels?.['controller-revision-hash'] !== revision) {
        this.store.delete(PODS, ns, p.metadata.name);
      }
    }
    for (const node of nodes) {
      const podName = `${name}-${createHash('sha256').update(node).digest('hex').slice(0, 5)}`;
      if (!this.store.get(PODS, ns, podName)) {
        this.createPod(ds, 'DaemonSet', podName, { 'controller-revision-hash': revision }, node);
      }
    }
    const now = this.store.list(PODS, ns).filter(p => ownedBy(p, ds.metadata.uid));
    const ready = now.filter(isReady).length;
    this.setStatus(DAEMONSETS, ds, {
      observedGeneration: ds.metadata.generation,
      desiredNumberScheduled: nodes.length,
      currentNumberScheduled: now.length,
      updatedNumberScheduled: now.length,
      numberReady: ready,
      numberAvailable: ready,
      numberMisscheduled: 0,
    });
  }

  // ---- pods, nodes, PDBs --------------------------------------------------

  /** Names of nodes pods may land on; a cluster without Node objects has one implicit node. */
  private schedulableNodes(): string[] {
    const nodes = this.store.list(NODES);
    if (nodes.length === 0) return ['double-node-1'];
    return nodes.filter(n => !n.spec?.unschedulable).map(n => n.metadata.name);
  }

  private createPod(owner: any, kind: string, name: string, extraLabels: Record<string, string> = {}, node?: string) {
    const ns = owner.metadata.namespace;
    const template = owner.spec.template ?? {};
    const nodes = this.schedulableNodes();
    const nodeName = node ?? (nodes.length ? nodes[this.rr++ % nodes.length] : undefined);
    const images: string[] = (template.spec?.containers ?? []).map((c: any) => c.image);
    const pod = this.store.create(PODS, ns, {
      metadata: {
        name,
        namespace: ns,
        labels: { ...template.metadata?.labels, ...extraLabels },
        annotations: template.metadata?.annotations,
        ownerReferences: [{ ...ownerRef(kind, owner), apiVersion: 'apps/v1' }],
      },
      spec: { ...structuredClone(template.spec ?? {}), ...(nodeName ? { nodeName } : {}) },
      status: nodeName
        ? { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] }
        : {
            phase: 'Pending',
            conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/0 nodes are available' }],
          },
    });
    if (!nodeName) return;
    const broken = images.some(i => this.options.isBrokenImage(i));
    if (broken) {
      this.later(this.options.podReadyDelayMs, () => {
        const p = this.store.get(PODS, ns, name);
        if (!p || p.metadata.uid !== pod.metadata.uid) return;
        p.status = {
          phase: 'Pending',
          conditions: [
            { type: 'PodScheduled', status: 'True' },
            { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
          ],
          containerStatuses: (template.spec?.containers ?? []).map((c: any) => ({
            name: c.name,
            image: c.image,
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } },
          })),
        };
        this.store.replace(PODS, ns, name, p, 'status');
      });
      return;
    }
    this.later(this.options.podReadyDelayMs, () => {
      const p = this.store.get(PODS, ns, name);
      if (!p || p.metadata.uid !== pod.metadata.uid) return;
      const at = now();
      p.status = {
        phase: 'Running',
        podIP: `10.0.${this.rr % 250}.${(this.rr * 7) % 250}`,
        startTime: at,
        conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map(type => ({
          type,
          status: 'True',
          lastTransitionTime: at,
        })),
        containerStatuses: (template.spec?.containers ?? []).map((c: any) => ({
          name: c.name,
          image: c.image,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: at } },
        })),
      };
      this.store.replace(PODS, ns, name, p, 'status');
    });
  }

  private pdbs(ns: string) {
    for (const pdb of this.store.list(PDBS, ns)) {
      const status = pdbStatus(this.store, pdb);
      this.setStatus(PDBS, pdb, { ...status, observedGeneration: pdb.metadata.generation });
    }
  }

  private setStatus(t: ResourceType, obj: any, status: any) {
    if (JSON.stringify(obj.status ?? {}) === JSON.stringify(status)) return;
    const fresh = this.store.get(t, obj.metadata.namespace, obj.metadata.name);
    if (!fresh) return;
    this.store.replace(t, obj.metadata.namespace, obj.metadata.name, { ...fresh, status }, 'status');
  }
}

/** What a PDB allows right now, computed the way the disruption controller does. */
export function pdbStatus(store: Store, pdb: any) {
  const pods = store
    .list(PODS, pdb.metadata.namespace)
    .filter(p => matchesLabelSelectorObject(pdb.spec.selector, p.metadata.labels));
  const expected = pods.length;
  const healthy = pods.filter(isReady).length;
  let desiredHealthy: number;
  if (pdb.spec.minAvailable !== undefined) {
    desiredHealthy = percentOrInt(pdb.spec.minAvailable, expected, true);
  } else if (pdb.spec.maxUnavailable !== undefined) {
    desiredHealthy = expected - percentOrInt(pdb.spec.maxUnavailable, expected, true);
  } else {
    desiredHealthy = expected;
  }
  desiredHealthy = Math.max(0, desiredHealthy);
  return {
    currentHealthy: healthy,
    desiredHealthy,
    disruptionsAllowed: Math.max(0, healthy - desiredHealthy),
    expectedPods: expected,
  };
}

export function podIsReady(pod: any): boolean {
  return isReady(pod);
}

function mergeConditions(current: any[] | undefined, next: [string, string, string, string][]) {
  const at = now();
  return next.map(([type, status, reason, message]) => {
    const old = current?.find(c => c.type === type);
    const same = old && old.status === status && old.reason === reason;
    return {
      type,
      status,
      lastUpdateTime: same ? old.lastUpdateTime : at,
      lastTransitionTime: old && old.status === status ? old.lastTransitionTime : at,
      reason,
      message,
    };
  });
}
