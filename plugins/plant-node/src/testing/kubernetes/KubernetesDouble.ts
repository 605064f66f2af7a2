import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { DoubleHooks, listen, readBody, sendJson, sleep } from '../http';
import { Controllers, ControllerOptions, pdbStatus, podIsReady } from './controllers';
import { jsonPatch, JsonPatchError, mergePatch, strategicMergePatch } from './patch';
import { ResourceType, apiVersionOf, discovery, findType, findTypeByKind } from './resources';
import { matchesLabelSelectorObject, SelectorError } from './selectors';
import { deliver, listKey, Store, StatusError, StoreEvent, Watcher } from './store';

/** Options of {@link startKubernetesDouble}. */
export interface KubernetesDoubleOptions extends Partial<ControllerOptions> {
  /** the bearer token the API accepts (default: random) */
  token?: string;
  /** watch events kept for replay before older resourceVersions expire (default 5000) */
  maxHistory?: number;
}

/** A running Kubernetes API double. */
export interface KubernetesDouble extends DoubleHooks {
  readonly url: string;
  readonly token: string;
  /** a KubeConfig for @kubernetes/client-node pointing at the double with its bearer token */
  kubeConfig(): KubeConfig;
  /** puts objects in the store as if created through the API (namespaces are created as needed); controllers react */
  seed(...objects: any[]): any[];
  /** reads an object straight from the store (undefined if absent) */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): any | undefined;
  /** lists objects straight from the store */
  list(apiVersion: string, kind: string, namespace?: string): any[];
  /** writes an object's status as a controller would (for example a Velero Backup's phase) */
  setStatus(apiVersion: string, kind: string, namespace: string | undefined, name: string, status: any): any;
  /** calls `listener` on every stored change (ADDED/MODIFIED/DELETED), e.g. to play Velero or cert-manager */
  onEvent(listener: (e: { type: string; object: any }) => void): () => void;
  /** makes pods with this image never become ready (ImagePullBackOff), so rollouts hit their deadline */
  breakImage(image: string): void;
  /** expires the watch history: older resourceVersions and continue tokens get 410 */
  compact(): void;
  /** waits until `predicate` holds on the object (polling the store) */
  waitFor(apiVersion: string, kind: string, namespace: string | undefined, name: string, predicate: (obj: any) => boolean, timeoutMs?: number): Promise<any>;
  stop(): Promise<void>;
}

const CORE_PREFIX = /^\/api\/v1(?:\/(.*))?$/;
const GROUP_PREFIX = /^\/apis\/([^/]+)\/([^/]+)(?:\/(.*))?$/;

interface Route {
  resource: ResourceType;
  namespace?: string;
  name?: string;
  sub?: string;
}

function route(path: string): Route | undefined {
  let group = '';
  let version = 'v1';
  let rest: string | undefined;
  const core = path.match(CORE_PREFIX);
  if (core) rest = core[1];
  else {
    const g = path.match(GROUP_PREFIX);
    if (!g) return undefined;
    [, group, version, rest] = g;
  }
  if (!rest) return undefined;
  const seg = rest.split('/').map(decodeURIComponent);
  if (seg[0] === 'namespaces' && seg.length >= 3) {
    const resource = findType(group, version, seg[2]);
    if (resource?.namespaced) return { resource, namespace: seg[1], name: seg[3], sub: seg[4] };
  }
  const resource = findType(group, version, seg[0]);
  if (!resource) return undefined;
  return { resource, name: seg[1], sub: seg[2] };
}

/** Lists omit kind/apiVersion on built-in items, as the API server's JSON does; custom resources keep them. */
const isBuiltIn = (t: ResourceType) => !t.group.includes('.') || t.group.endsWith('k8s.io');

function encodeContinue(rv: number, start: string) {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    return JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw new StatusError(400, 'BadRequest', 'continue key is not valid: illegal base64 data');
  }
}

function applyPatch(current: any, body: any, contentType: string | undefined, t: ResourceType) {
  const type = (contentType ?? '').split(';')[0].trim();
  if (type === 'application/merge-patch+json') return mergePatch(current, body);
  if (type === 'application/json-patch+json') return jsonPatch(current, body);
  if (type === 'application/strategic-merge-patch+json' && isBuiltIn(t)) {
    return strategicMergePatch(current, body);
  }
  // custom resources have no strategic merge patch, as on a real server
  throw new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json${isBuiltIn(t) ? ', application/strategic-merge-patch+json' : ''}`,
  );
}

const DEFAULT_BROKEN = (image: string) => /:broken$|:does-not-exist$/.test(image);

/**
 * Starts a Kubernetes API double on 127.0.0.1 with a random port: the real
 * REST paths and JSON, bearer-token auth, a generic object store with
 * selectors, pagination and watches, the three patch types, and simulated
 * Deployment/ReplicaSet/StatefulSet/DaemonSet/PDB controllers.
 */
export async function startKubernetesDouble(options: KubernetesDoubleOptions = {}): Promise<KubernetesDouble> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const store = new Store(options.maxHistory);
  const broken = new Set<string>();
  const controllers = new Controllers(store, {
    podReadyDelayMs: options.podReadyDelayMs ?? 50,
    progressDeadlineMs: options.progressDeadlineMs ?? 1000,
    isBrokenImage: image => broken.has(image) || (options.isBrokenImage ?? DEFAULT_BROKEN)(image),
  });
  const hooks = new DoubleHooks();
  const openWatches = new Set<() => void>();

  const typeOf = (apiVersion: string, kind: string) => {
    const t = findTypeByKind(apiVersion, kind);
    if (!t) throw new Error(`the Kubernetes double does not serve ${apiVersion} ${kind}`);
    return t;
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://double');
    const method = (req.method ?? 'GET').toUpperCase();
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const record = { method, path: url.pathname, query, contentType: req.headers['content-type'], body, status: 0, at: new Date() };
    hooks.requests.push(record);
    const reply = (status: number, payload: unknown) => {
      record.status = status;
      sendJson(res, status, payload);
    };
    const latency = hooks.latencyFor(url.pathname);
    if (latency) await sleep(latency);
    if (req.headers.authorization !== `Bearer ${token}`) {
      reply(401, new StatusError(401, 'Unauthorized', 'Unauthorized').toStatus());
      return;
    }
    const failure = hooks.takeFailure(method, url.pathname);
    if (failure) {
      reply(failure.code, new StatusError(failure.code, failure.reason, failure.message).toStatus());
      return;
    }
    try {
      if (method === 'GET' && url.pathname === '/version') {
        reply(200, { major: '1', minor: '31', gitVersion: 'v1.31.0-double', platform: 'linux/amd64' });
        return;
      }
      const doc = method === 'GET' ? discovery(url.pathname) : undefined;
      if (doc) {
        reply(200, doc);
        return;
      }
      const r = route(url.pathname);
      if (!r) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      const { resource: t, namespace: ns, name, sub } = r;
      if (!name) {
        if (method === 'GET' && (query.watch === 'true' || query.watch === '1')) {
          watch(t, ns, query, req, res, record);
          return;
        }
        if (method === 'GET') {
          reply(200, list(t, ns, query));
          return;
        }
        if (method === 'POST') {
          if (ns && t.namespaced) ensureNamespace(ns);
          reply(201, store.create(t, ns, body));
          return;
        }
        throw new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
      }
      if (sub === 'eviction' && t.kind === 'Pod' && method === 'POST') {
        reply(201, evict(ns!, name));
        return;
      }
      if (sub === 'scale') {
        reply(200, scale(t, ns, name, method, body, req.headers['content-type']));
        return;
      }
      if (sub && sub !== 'status') throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      const part = sub === 'status' ? 'status' : 'main';
      switch (method) {
        case 'GET':
          reply(200, store.mustGet(t, ns, name));
          return;
        case 'PUT':
          reply(200, store.replace(t, ns, name, body, part));
          return;
        case 'PATCH': {
          const current = store.mustGet(t, ns, name);
          // the patched object keeps the current resourceVersion unless the patch sets one (a precondition)
          const patched = applyPatch(current, body, req.headers['content-type'], t);
          reply(200, store.replace(t, ns, name, patched, part));
          return;
        }
        case 'DELETE':
          reply(200, store.delete(t, ns, name));
          return;
        default:
          throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      }
    } catch (e) {
      if (e instanceof StatusError) reply(e.code, e.toStatus());
      else if (e instanceof SelectorError) reply(400, new StatusError(400, 'BadRequest', e.message).toStatus());
      else if (e instanceof JsonPatchError) reply(422, new StatusError(422, 'Invalid', e.message).toStatus());
      else reply(500, new StatusError(500, 'InternalError', String((e as Error).message)).toStatus());
    }
  }

  function ensureNamespace(ns: string) {
    const nsType = findType('', 'v1', 'namespaces')!;
    if (!store.get(nsType, undefined, ns)) {
      throw new StatusError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
    }
  }

  function list(t: ResourceType, ns: string | undefined, query: Record<string, string>) {
    let items = store.list(t, ns, query.labelSelector, query.fieldSelector);
    let listRv = store.resourceVersion;
    if (query.continue) {
      const c = decodeContinue(query.continue);
      if (c.rv <= store.compactedRv) {
        throw new StatusError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      listRv = c.rv;
      items = items.filter(o => listKey(o) > c.start);
    }
    const limit = Number(query.limit ?? 0);
    const metadata: any = { resourceVersion: String(listRv) };
    if (limit > 0 && items.length > limit) {
      metadata.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
      metadata.continue = encodeContinue(listRv, listKey(items[items.length - 1]));
    }
    if (isBuiltIn(t)) {
      items = items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    }
    return { kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata, items };
  }

  function watch(
    t: ResourceType,
    ns: string | undefined,
    query: Record<string, string>,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    record: { status: number },
  ) {
    record.status = 200;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
    const from = query.resourceVersion;
    if (from && from !== '0' && Number(from) < store.compactedRv) {
      send('ERROR', new StatusError(410, 'Expired', `too old resource version: ${from} (${store.compactedRv + 1})`).toStatus());
      res.end();
      return;
    }
    const watcher: Watcher = { resource: t, namespace: ns, labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, send };
    if (!from || from === '0') {
      for (const o of store.list(t, ns, query.labelSelector, query.fieldSelector)) send('ADDED', o);
    } else {
      for (const e of store.eventsSince(Number(from))) deliver(watcher, e as StoreEvent);
    }
    store.watchers.add(watcher);
    const close = () => {
      store.watchers.delete(watcher);
      openWatches.delete(close);
      res.end();
    };
    openWatches.add(close);
    req.on('close', close);
    res.on('close', close);
    const timeout = Number(query.timeoutSeconds ?? 0);
    if (timeout > 0) setTimeout(close, timeout * 1000).unref();
  }

  function evict(ns: string, name: string) {
    const pods = findType('', 'v1', 'pods')!;
    const pod = store.mustGet(pods, ns, name);
    const pdbType = findType('policy', 'v1', 'poddisruptionbudgets')!;
    const budgets = store
      .list(pdbType, ns)
      .filter(p => matchesLabelSelectorObject(p.spec.selector, pod.metadata.labels));
    if (budgets.length > 1) {
      throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    if (budgets.length === 1 && podIsReady(pod)) {
      const s = pdbStatus(store, budgets[0]);
      if (s.disruptionsAllowed <= 0) {
        throw new StatusError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
          causes: [
            {
              reason: 'DisruptionBudget',
              message: `The disruption budget ${budgets[0].metadata.name} needs ${s.desiredHealthy} healthy pods and has ${s.currentHealthy} currently`,
            },
          ],
        });
      }
    }
    store.delete(pods, ns, name);
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  }

  function scale(t: ResourceType, ns: string | undefined, name: string, method: string, body: any, contentType?: string) {
    if (!t.subresources?.includes('scale')) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    const toScale = (o: any) => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
      },
      spec: { replicas: o.spec.replicas },
      status: {
        replicas: o.status?.replicas ?? 0,
        selector: Object.entries(o.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
      },
    });
    const current = store.mustGet(t, ns, name);
    if (method === 'GET') return toScale(current);
    let next: any;
    if (method === 'PUT') next = body;
    else if (method === 'PATCH') next = applyPatch(toScale(current), body, contentType, t);
    else throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const replicas = next?.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new StatusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`, {
        name,
        group: 'autoscaling',
        kind: 'Scale',
        causes: [{ reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0', field: 'spec.replicas' }],
      });
    }
    const rv = next?.metadata?.resourceVersion;
    const saved = store.replace(t, ns, name, {
      ...current,
      metadata: { ...current.metadata, resourceVersion: rv ?? current.metadata.resourceVersion },
      spec: { ...current.spec, replicas },
    });
    return toScale(saved);
  }

  const server = await listen((req, res) => {
    handle(req, res).catch(e => {
      if (!res.headersSent) sendJson(res, 500, new StatusError(500, 'InternalError', String(e)).toStatus());
    });
  });

  const double: KubernetesDouble = Object.assign(hooks, {
    url: server.url,
    token,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'double', server: server.url, skipTLSVerify: true }],
        users: [{ name: 'double', token }],
        contexts: [{ name: 'double', cluster: 'double', user: 'double' }],
        currentContext: 'double',
      });
      return kc;
    },
    seed(...objects: any[]) {
      return objects.map(o => {
        const t = typeOf(o.apiVersion, o.kind);
        const ns = t.namespaced ? o.metadata?.namespace ?? 'default' : undefined;
        const nsType = findType('', 'v1', 'namespaces')!;
        if (ns && !store.get(nsType, undefined, ns)) store.create(nsType, undefined, { metadata: { name: ns } });
        return store.create(t, ns, o);
      });
    },
    get(apiVersion: string, kind: string, namespace: string | undefined, name: string) {
      return store.get(typeOf(apiVersion, kind), namespace, name);
    },
    list(apiVersion: string, kind: string, namespace?: string) {
      return store.list(typeOf(apiVersion, kind), namespace);
    },
    setStatus(apiVersion: string, kind: string, namespace: string | undefined, name: string, status: any) {
      const t = typeOf(apiVersion, kind);
      const current = store.mustGet(t, namespace, name);
      return store.replace(t, namespace, name, { ...current, status }, 'status');
    },
    onEvent(listener: (e: { type: string; object: any }) => void) {
      return store.onEvent(e => listener({ type: e.type, object: structuredClone(e.object) }));
    },
    breakImage(image: string) {
      broken.add(image);
    },
    compact() {
      store.compact();
    },
    async waitFor(apiVersion: string, kind: string, namespace: string | undefined, name: string, predicate: (obj: any) => boolean, timeoutMs = 5000) {
      const t = typeOf(apiVersion, kind);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const obj = store.get(t, namespace, name);
        if (obj && predicate(obj)) return obj;
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for ${kind} ${namespace ?? ''}/${name}: ${JSON.stringify(obj?.status ?? null)}`);
        }
        await sleep(10);
      }
    },
    async stop() {
      controllers.stop();
      for (const close of [...openWatches]) close();
      await server.close();
    },
  });
  return double;
}
