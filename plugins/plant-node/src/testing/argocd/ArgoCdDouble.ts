import type http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { DoubleHooks, listen, readBody, sendJson } from '../http';
import { jsonPatch, mergePatch } from '../kubernetes/patch';

/** How the next sync of an application ends. */
export type SyncOutcome =
  /** Succeeded, Synced, Healthy */
  | 'healthy'
  /** Succeeded and Synced, but the workload is Degraded (e.g. a crashing pod) */
  | 'degraded'
  /** the operation Failed (a manifest did not apply): OutOfSync, a SyncError condition */
  | 'failed'
  /** stays Running and Progressing until the test changes the outcome */
  | 'hang';

/** Options of {@link startArgoCdDouble}. */
export interface ArgoCdDoubleOptions {
  /** the bearer token with full access (default: random) */
  token?: string;
  /** a bearer token that may read but not write (403 on writes) */
  readOnlyToken?: string;
  /** how long a sync operation runs (default 100 ms) */
  syncDelayMs?: number;
}

/** What a test gives to seed an Application; the rest gets ArgoCD's defaults. */
export interface SeedApplication {
  name: string;
  project?: string;
  repoURL?: string;
  path?: string;
  targetRevision?: string;
  destinationNamespace?: string;
  /** set `spec.syncPolicy.automated` */
  autoSync?: boolean;
  /** the revisions already deployed, oldest first; the last is live (default one revision) */
  history?: string[];
  /** the commit the target revision points at now (default: the live one, so Synced) */
  gitRevision?: string;
  health?: 'Healthy' | 'Progressing' | 'Degraded' | 'Missing' | 'Suspended' | 'Unknown';
}

/** A running ArgoCD API double. */
export interface ArgoCdDouble extends DoubleHooks {
  readonly url: string;
  readonly token: string;
  seed(...apps: SeedApplication[]): any[];
  /** the stored Application */
  app(name: string): any | undefined;
  /** a new commit on the app's target revision: the app turns OutOfSync */
  pushRevision(name: string, revision: string): void;
  /** how the app's next syncs end (default 'healthy') */
  setSyncOutcome(name: string, outcome: SyncOutcome, message?: string): void;
  stop(): Promise<void>;
}

/** gRPC status codes ArgoCD's REST gateway maps to HTTP. */
const GRPC = {
  InvalidArgument: [3, 400],
  NotFound: [5, 404],
  PermissionDenied: [7, 403],
  FailedPrecondition: [9, 400],
  Unauthenticated: [16, 401],
} as const;

class GrpcError extends Error {
  constructor(readonly grpc: keyof typeof GRPC, message: string) {
    super(message);
  }
  get http() {
    return GRPC[this.grpc][1];
  }
  toJson() {
    return { error: this.message, code: GRPC[this.grpc][0], message: this.message, details: [] };
  }
}

const iso = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const sha = () => randomBytes(20).toString('hex');

/**
 * Starts an ArgoCD API double on 127.0.0.1 with a random port: the
 * `/api/v1/applications` REST API (get, list, update, patch, sync, rollback),
 * operations that run for a while and end as the test says, history, and
 * ArgoCD's gRPC-gateway errors.
 */
export async function startArgoCdDouble(options: ArgoCdDoubleOptions = {}): Promise<ArgoCdDouble> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const syncDelayMs = options.syncDelayMs ?? 100;
  const apps = new Map<string, any>();
  const gitHead = new Map<string, string>();
  const outcomes = new Map<string, { outcome: SyncOutcome; message?: string }>();
  const timers = new Set<NodeJS.Timeout>();
  const hooks = new DoubleHooks();
  let rv = 1;

  const save = (app: any) => {
    app.metadata.resourceVersion = String(++rv);
    apps.set(app.metadata.name, app);
    return structuredClone(app);
  };
  const mustGet = (name: string) => {
    const app = apps.get(name);
    if (!app) throw new GrpcError('NotFound', `applications.argoproj.io "${name}" not found`);
    return structuredClone(app);
  };

  function compare(app: any) {
    const head = gitHead.get(app.metadata.name);
    const live = app.status.sync.revision;
    app.status.sync.status = head && live === head ? 'Synced' : 'OutOfSync';
    app.status.sync.comparedTo = { source: app.spec.source, destination: app.spec.destination };
    app.status.reconciledAt = iso();
  }

  function startSync(name: string, revision: string, prune: boolean, initiatedBy: string, rollbackId?: number) {
    const app = mustGet(name);
    if (app.status.operationState?.phase === 'Running') {
      throw new GrpcError('FailedPrecondition', 'another operation is already in progress');
    }
    const startedAt = iso();
    app.operation = { sync: { revision, prune }, initiatedBy: { username: initiatedBy } };
    app.status.operationState = {
      operation: app.operation,
      phase: 'Running',
      message: 'one or more tasks are running',
      startedAt,
    };
    app.status.health = { status: 'Progressing' };
    const saved = save(app);
    const finish = () => {
      timers.delete(timer);
      const current = apps.get(name);
      if (!current) return;
      const { outcome, message } = outcomes.get(name) ?? { outcome: 'healthy' as SyncOutcome };
      if (outcome === 'hang') {
        const again = setTimeout(finish, syncDelayMs);
        timers.add(again);
        return;
      }
      const op = current.status.operationState;
      op.finishedAt = iso();
      delete current.operation;
      if (outcome === 'failed') {
        op.phase = 'Failed';
        op.message = message ?? 'one or more objects failed to apply, reason: Deployment.apps "app" is invalid';
        op.syncResult = { revision, resources: [] };
        current.status.health = { status: 'Degraded', message: op.message };
        current.status.conditions = [{ type: 'SyncError', message: op.message, lastTransitionTime: op.finishedAt }];
      } else {
        op.phase = 'Succeeded';
        op.message = 'successfully synced (all tasks run)';
        op.syncResult = { revision, source: current.spec.source, resources: [] };
        current.status.sync.revision = revision;
        const history: any[] = current.status.history ?? [];
        history.push({
          revision,
          deployedAt: op.finishedAt,
          deployStartedAt: op.startedAt,
          id: history.length ? history[history.length - 1].id + 1 : 0,
          source: current.spec.source,
          initiatedBy: { username: initiatedBy },
        });
        current.status.history = history;
        if (outcome === 'degraded') {
          const why = message ?? 'Deployment "app" exceeded its progress deadline';
          current.status.health = { status: 'Degraded', message: why };
          current.status.conditions = [];
        } else {
          current.status.health = { status: 'Healthy' };
          current.status.conditions = [];
        }
        if (rollbackId !== undefined) op.message = `successfully synced (all tasks run); rollback to ${rollbackId}`;
      }
      compare(current);
      save(current);
    };
    const timer = setTimeout(finish, syncDelayMs);
    timers.add(timer);
    return saved;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://double');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const record = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      body,
      status: 0,
      at: new Date(),
    };
    hooks.requests.push(record);
    const reply = (status: number, payload: unknown) => {
      record.status = status;
      sendJson(res, status, payload);
    };
    const latency = hooks.latencyFor(url.pathname);
    if (latency) await new Promise(r => setTimeout(r, latency));
    try {
      const auth = req.headers.authorization;
      if (!auth) throw new GrpcError('Unauthenticated', 'no session information');
      const readOnly = options.readOnlyToken && auth === `Bearer ${options.readOnlyToken}`;
      if (auth !== `Bearer ${token}` && !readOnly) {
        throw new GrpcError('Unauthenticated', 'invalid session: token signature is invalid');
      }
      const failure = hooks.takeFailure(method, url.pathname);
      if (failure) {
        reply(failure.code, { error: failure.message, code: 13, message: failure.message, details: [] });
        return;
      }
      const m = url.pathname.match(/^\/api\/v1\/applications(?:\/([^/]+))?(?:\/(sync|rollback|spec))?$/);
      if (!m) throw new GrpcError('NotFound', `Not Found`);
      const name = m[1] && decodeURIComponent(m[1]);
      const verb = m[2];
      if (method !== 'GET' && readOnly) {
        const app = name ? apps.get(name) : undefined;
        throw new GrpcError(
          'PermissionDenied',
          `permission denied: applications, ${verb ?? 'update'}, ${app?.spec.project ?? 'default'}/${name}, sub: readonly`,
        );
      }
      if (!name) {
        if (method !== 'GET') throw new GrpcError('NotFound', 'Not Found');
        const selector = url.searchParams.get('selector');
        let items = [...apps.values()];
        if (selector) {
          const pairs = selector.split(',').map(p => p.split('='));
          items = items.filter(a => pairs.every(([k, v]) => a.metadata.labels?.[k] === v));
        }
        reply(200, { metadata: { resourceVersion: String(rv) }, items });
        return;
      }
      if (!verb && method === 'GET') {
        reply(200, mustGet(name));
        return;
      }
      if (!verb && method === 'PUT') {
        const current = mustGet(name);
        if (!body?.spec) throw new GrpcError('InvalidArgument', 'application spec is required');
        current.spec = body.spec;
        if (body.metadata?.labels) current.metadata.labels = body.metadata.labels;
        if (body.metadata?.annotations) current.metadata.annotations = body.metadata.annotations;
        compare(current);
        reply(200, save(current));
        return;
      }
      if (verb === 'spec' && method === 'PUT') {
        const current = mustGet(name);
        current.spec = body;
        compare(current);
        save(current);
        reply(200, current.spec);
        return;
      }
      if (!verb && method === 'PATCH') {
        // ApplicationPatchRequest: { name, patch: "<JSON text>", patchType: "merge" | "json" }
        const current = mustGet(name);
        let patch: any;
        try {
          patch = JSON.parse(body?.patch ?? '');
        } catch {
          throw new GrpcError('InvalidArgument', 'invalid patch: patch must be a JSON document');
        }
        const type = body?.patchType ?? 'json';
        let next: any;
        try {
          next = type === 'merge' ? mergePatch(current, patch) : type === 'json' ? jsonPatch(current, patch) : undefined;
        } catch (e) {
          throw new GrpcError('InvalidArgument', String((e as Error).message));
        }
        if (!next) throw new GrpcError('InvalidArgument', `Patch type '${type}' is not supported`);
        current.spec = next.spec;
        current.metadata.labels = next.metadata.labels;
        current.metadata.annotations = next.metadata.annotations;
        compare(current);
        reply(200, save(current));
        return;
      }
      if (verb === 'sync' && method === 'POST') {
        const app = mustGet(name);
        const revision = body?.revision || gitHead.get(name)!;
        if (body?.dryRun) {
          reply(200, app);
          return;
        }
        reply(200, startSync(name, revision, !!body?.prune, 'admin'));
        return;
      }
      if (verb === 'rollback' && method === 'PUT') {
        const app = mustGet(name);
        if (app.spec.syncPolicy?.automated) {
          throw new GrpcError('FailedPrecondition', 'rollback cannot be initiated when auto-sync is enabled');
        }
        const id = Number(body?.id);
        const entry = (app.status.history ?? []).find((h: any) => h.id === id);
        if (!entry) {
          throw new GrpcError('InvalidArgument', `application ${name} does not have deployment with id ${body?.id ?? 0}`);
        }
        if (body?.dryRun) {
          reply(200, app);
          return;
        }
        reply(200, startSync(name, entry.revision, !!body?.prune, 'admin', id));
        return;
      }
      throw new GrpcError('NotFound', 'Not Found');
    } catch (e) {
      if (e instanceof GrpcError) reply(e.http, e.toJson());
      else reply(500, { error: String(e), code: 13, message: String(e), details: [] });
    }
  }

  const server = await listen((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });

  return Object.assign(hooks, {
    url: server.url,
    token,
    seed(...seeds: SeedApplication[]) {
      return seeds.map(s => {
        const history = (s.history ?? [sha()]).map((revision, id) => ({
          revision,
          id,
          deployedAt: iso(),
          deployStartedAt: iso(),
          source: undefined as any,
        }));
        const source = {
          repoURL: s.repoURL ?? 'https://git.example.com/plantops/deploy.git',
          path: s.path ?? `apps/${s.name}`,
          targetRevision: s.targetRevision ?? 'HEAD',
        };
        history.forEach(h => (h.source = source));
        const live = history[history.length - 1].revision;
        gitHead.set(s.name, s.gitRevision ?? live);
        const app: any = {
          metadata: {
            name: s.name,
            namespace: 'argocd',
            uid: randomUUID(),
            creationTimestamp: iso(),
            generation: 1,
          },
          spec: {
            project: s.project ?? 'default',
            source,
            destination: { server: 'https://kubernetes.default.svc', namespace: s.destinationNamespace ?? s.name },
            ...(s.autoSync ? { syncPolicy: { automated: { prune: true, selfHeal: true } } } : {}),
          },
          status: {
            sync: { status: 'Synced', revision: live },
            health: { status: s.health ?? 'Healthy' },
            history,
            conditions: [],
            operationState: {
              operation: { sync: { revision: live } },
              phase: 'Succeeded',
              message: 'successfully synced (all tasks run)',
              startedAt: iso(),
              finishedAt: iso(),
              syncResult: { revision: live, source, resources: [] },
            },
            sourceType: 'Kustomize',
          },
        };
        compare(app);
        return save(app);
      });
    },
    app(name: string) {
      const a = apps.get(name);
      return a ? structuredClone(a) : undefined;
    },
    pushRevision(name: string, revision: string) {
      gitHead.set(name, revision);
      const app = mustGet(name);
      compare(app);
      save(app);
    },
    setSyncOutcome(name: string, outcome: SyncOutcome, message?: string) {
      outcomes.set(name, { outcome, message });
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      await server.close();
    },
  });
}
