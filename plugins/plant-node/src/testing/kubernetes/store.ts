import { randomUUID } from 'node:crypto';
import { ResourceType, apiVersionOf } from './resources';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

/**
 * A list's order and its continue key, as etcd's `<ns>/<name>` keys sort.
 * One function for both, so paging never skips `ns-1` after `ns-10`.
 */
export function listKey(o: any): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** An API error carried as a real `Status` object. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toStatus() {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

const qualified = (t: ResourceType) => (t.group ? `${t.plural}.${t.group}` : t.plural);

export const notFound = (t: ResourceType, name: string) =>
  new StatusError(404, 'NotFound', `${qualified(t)} "${name}" not found`, {
    name,
    group: t.group,
    kind: t.plural,
  });

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: WatchEventType;
  resource: ResourceType;
  object: any;
  previous?: any;
}

export interface Watcher {
  resource: ResourceType;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  send(type: WatchEventType | 'ERROR', object: any): void;
}

/** Kinds whose objects carry metadata.generation (those with a spec the controllers act on). */
const GENERATION_GROUPS = new Set(['apps', 'policy', 'networking.k8s.io', 'velero.io', 'cert-manager.io']);

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

const specOf = (obj: any) => {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
};

/** The object store: resourceVersions, generations, the event history watches replay from. */
export class Store {
  private objects = new Map<string, { resource: ResourceType; object: any }>();
  private rv = 1;
  private history: StoreEvent[] = [];
  /** events at or below this resourceVersion are gone (410 Expired) */
  compactedRv = 0;
  readonly watchers = new Set<Watcher>();
  private listeners = new Set<(e: StoreEvent) => void>();

  constructor(private readonly maxHistory = 5000) {}

  get resourceVersion(): number {
    return this.rv;
  }

  private key(t: ResourceType, ns: string | undefined, name: string) {
    return `${t.group}|${t.plural}|${t.namespaced ? ns ?? '' : ''}|${name}`;
  }

  get(t: ResourceType, ns: string | undefined, name: string): any | undefined {
    const hit = this.objects.get(this.key(t, ns, name));
    return hit ? structuredClone(hit.object) : undefined;
  }

  mustGet(t: ResourceType, ns: string | undefined, name: string): any {
    const obj = this.get(t, ns, name);
    if (!obj) throw notFound(t, name);
    return obj;
  }

  list(
    t: ResourceType,
    ns?: string,
    labelSelector?: string,
    fieldSelector?: string,
  ): any[] {
    const labels = parseLabelSelector(labelSelector);
    const fields = parseFieldSelector(fieldSelector);
    const prefix = `${t.group}|${t.plural}|${ns && t.namespaced ? `${ns}|` : ''}`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([, v]) => v.object)
      .sort((a, b) => (listKey(a) < listKey(b) ? -1 : listKey(a) > listKey(b) ? 1 : 0))
      .filter(o => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o))
      .map(o => structuredClone(o));
  }

  /** Adds a new object; 409 AlreadyExists when the name is taken. */
  create(t: ResourceType, ns: string | undefined, body: any): any {
    const obj = structuredClone(body);
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    obj.metadata = obj.metadata ?? {};
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${randomUUID().slice(0, 5)}`;
    }
    const name = obj.metadata.name;
    if (!name || typeof name !== 'string') {
      throw new StatusError(422, 'Invalid', `${t.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, {
        kind: t.kind,
        causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }],
      });
    }
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
      throw new StatusError(422, 'Invalid', `${t.kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`, {
        name,
        kind: t.kind,
        causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value', field: 'metadata.name' }],
      });
    }
    if (t.namespaced) {
      if (obj.metadata.namespace && ns && obj.metadata.namespace !== ns) {
        throw new StatusError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = ns ?? obj.metadata.namespace ?? 'default';
    } else {
      delete obj.metadata.namespace;
    }
    const key = this.key(t, obj.metadata.namespace, name);
    if (this.objects.has(key)) {
      throw new StatusError(409, 'AlreadyExists', `${qualified(t)} "${name}" already exists`, {
        name,
        group: t.group,
        kind: t.plural,
      });
    }
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = now();
    if (GENERATION_GROUPS.has(t.group)) obj.metadata.generation = 1;
    else delete obj.metadata.generation;
    normalize(t, obj);
    return this.commit(t, key, obj, 'ADDED');
  }

  /**
   * Replaces an object. A stale metadata.resourceVersion is a 409 Conflict.
   * `part` says what the write may change: the whole object but status
   * (as the main resource of a kind with a status subresource), or only status.
   */
  replace(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    body: any,
    part: 'main' | 'status' = 'main',
  ): any {
    const current = this.mustGet(t, ns, name);
    const rv = body?.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) {
      throw new StatusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualified(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: t.group, kind: t.plural },
      );
    }
    if (body?.metadata?.name && body.metadata.name !== name) {
      throw new StatusError(400, 'BadRequest', `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const hasStatusSub = t.subresources?.includes('status');
    let next: any;
    if (part === 'status') {
      next = { ...current, status: structuredClone(body.status) };
    } else {
      next = structuredClone(body);
      next.apiVersion = apiVersionOf(t);
      next.kind = t.kind;
      if (hasStatusSub) next.status = current.status;
      next.metadata = {
        ...next.metadata,
        name,
        namespace: current.metadata.namespace,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        generation: current.metadata.generation,
      };
      if (next.metadata.namespace === undefined) delete next.metadata.namespace;
      normalize(t, next);
      if (current.metadata.generation !== undefined && specOf(next) !== specOf(current)) {
        next.metadata.generation = current.metadata.generation + 1;
      }
    }
    if (next.metadata.generation === undefined) delete next.metadata.generation;
    if (JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: '' } }) ===
      JSON.stringify({ ...current, metadata: { ...current.metadata, resourceVersion: '' } })) {
      return current; // a no-op write keeps the resourceVersion, as the API server does
    }
    return this.commit(t, this.key(t, ns, name), next, 'MODIFIED', current);
  }

  delete(t: ResourceType, ns: string | undefined, name: string): any {
    const key = this.key(t, ns, name);
    const current = this.objects.get(key);
    if (!current) throw notFound(t, name);
    this.objects.delete(key);
    const obj = structuredClone(current.object);
    obj.metadata.resourceVersion = String(++this.rv);
    this.record({ rv: this.rv, type: 'DELETED', resource: t, object: obj });
    // garbage collection: dependents whose owner is gone go with it
    const uid = obj.metadata.uid;
    for (const [, dep] of [...this.objects.entries()]) {
      const stillThere = this.objects.has(this.key(dep.resource, dep.object.metadata.namespace, dep.object.metadata.name));
      if (stillThere && dep.object.metadata.ownerReferences?.some((r: any) => r.uid === uid)) {
        this.delete(dep.resource, dep.object.metadata.namespace, dep.object.metadata.name);
      }
    }
    return obj;
  }

  /** Drops the watch history: a watch or continue token from before now gets 410 Expired. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
  }

  eventsSince(rv: number): StoreEvent[] {
    return this.history.filter(e => e.rv > rv);
  }

  onEvent(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(t: ResourceType, key: string, obj: any, type: WatchEventType, previous?: any) {
    obj.metadata.resourceVersion = String(++this.rv);
    this.objects.set(key, { resource: t, object: obj });
    this.record({ rv: this.rv, type, resource: t, object: structuredClone(obj), previous });
    return structuredClone(obj);
  }

  private record(e: StoreEvent) {
    this.history.push(e);
    if (this.history.length > this.maxHistory) {
      const dropped = this.history.splice(0, this.history.length - this.maxHistory);
      this.compactedRv = dropped[dropped.length - 1].rv;
    }
    for (const w of this.watchers) deliver(w, e);
    for (const l of this.listeners) l(e);
  }
}

/** Sends `e` to `w` if it concerns it; a label change that moves an object out of (or into) the selection is a DELETED (ADDED), as the API server does. */
export function deliver(w: Watcher, e: StoreEvent): void {
  if (w.resource !== e.resource) return;
  if (w.namespace && e.object.metadata.namespace !== w.namespace) return;
  const labels = parseLabelSelector(w.labelSelector);
  const fields = parseFieldSelector(w.fieldSelector);
  const matches = (o: any) => !!o && matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o);
  const now = matches(e.object);
  if (e.type === 'MODIFIED') {
    const before = matches(e.previous);
    if (now && before) w.send('MODIFIED', e.object);
    else if (now) w.send('ADDED', e.object);
    else if (before) w.send('DELETED', e.object);
  } else if (now) {
    w.send(e.type, e.object);
  }
}

/** What the API server fills in on write: Secret stringData, Deployment defaults. */
function normalize(t: ResourceType, obj: any) {
  if (t.kind === 'Secret' && obj.stringData) {
    obj.data = { ...(obj.data ?? {}) };
    for (const [k, v] of Object.entries(obj.stringData)) {
      obj.data[k] = Buffer.from(String(v)).toString('base64');
    }
    delete obj.stringData;
  }
  if (t.kind === 'Secret' && !obj.type) obj.type = 'Opaque';
  if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(t.kind)) {
    obj.spec = obj.spec ?? {};
    if (obj.spec.replicas === undefined) obj.spec.replicas = 1;
    if (!obj.spec.selector) {
      throw new StatusError(422, 'Invalid', `${t.kind}.apps "${obj.metadata.name}" is invalid: spec.selector: Required value`, {
        name: obj.metadata.name,
        kind: t.kind,
        causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' }],
      });
    }
  }
  if (t.kind === 'Deployment') {
    obj.spec.revisionHistoryLimit ??= 10;
    obj.spec.progressDeadlineSeconds ??= 600;
    obj.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  }
  if (t.kind === 'Pod') {
    obj.status ??= { phase: 'Pending' };
  }
}
