import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** The parts of an ArgoCD Application the actions read. */
export interface ArgoApplication {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec: {
    project?: string;
    source?: { repoURL?: string; path?: string; targetRevision?: string };
    destination?: { server?: string; namespace?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } | null; [k: string]: unknown };
  };
  status?: {
    sync?: { status?: 'Synced' | 'OutOfSync' | 'Unknown'; revision?: string };
    health?: { status?: string; message?: string };
    operationState?: {
      phase?: 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';
      message?: string;
      startedAt?: string;
      finishedAt?: string;
      syncResult?: { revision?: string };
    };
    history?: Array<{ id: number; revision?: string; deployedAt?: string }>;
    conditions?: Array<{ type: string; message?: string }>;
  };
}

/** An error from ArgoCD's API: HTTP status plus ArgoCD's own message (never the token). */
export class ArgoCdError extends Error {
  constructor(
    readonly instance: string,
    readonly status: number,
    readonly grpcCode: number | undefined,
    readonly argoMessage: string,
    what: string,
  ) {
    super(`ArgoCD ${instance}: ${what} failed: ${status} ${argoMessage}`);
    this.name = 'ArgoCdError';
  }
}

/** A wait that ended without the app Synced and Healthy. */
export class ArgoCdSyncError extends Error {
  constructor(message: string, readonly app: ArgoApplication, readonly reason: 'Failed' | 'Degraded' | 'Timeout' | 'Cancelled') {
    super(message);
    this.name = 'ArgoCdSyncError';
  }
}

/** One line saying where an app stands, with its conditions: for errors and logs. */
export function describeApp(app: ArgoApplication): string {
  const s = app.status ?? {};
  const parts = [
    `sync ${s.sync?.status ?? 'Unknown'}${s.sync?.revision ? ` at ${s.sync.revision.slice(0, 12)}` : ''}`,
    `health ${s.health?.status ?? 'Unknown'}${s.health?.message ? ` (${s.health.message})` : ''}`,
  ];
  if (s.operationState) parts.push(`operation ${s.operationState.phase}: ${s.operationState.message ?? ''}`.trim());
  const conditions = (s.conditions ?? []).map(c => `${c.type}: ${c.message ?? ''}`);
  if (conditions.length) parts.push(`conditions ${conditions.join('; ')}`);
  return parts.join(', ');
}

/** A client for one ArgoCD instance (`plant.argocd.instances[]`). */
export class ArgoCdClient {
  /** The instance named `name`, or the only one configured when `name` is absent. */
  static fromConfig(config: Config, name?: string, field = 'instance'): ArgoCdClient {
    const instances = config.getOptionalConfigArray('plant.argocd.instances') ?? [];
    const names = instances.map(i => i.getString('name'));
    const chosen = name ? instances.find(i => i.getString('name') === name) : instances.length === 1 ? instances[0] : undefined;
    if (!chosen) {
      const problem = name ? `no ArgoCD instance "${name}"` : `${instances.length} ArgoCD instances are configured, cannot pick one`;
      throw new InputError(`${field}: ${problem}. Use one of ${names.length ? names.join(', ') : '(none: add plant.argocd.instances to app-config)'}`);
    }
    return new ArgoCdClient({
      name: chosen.getString('name'),
      url: chosen.getString('url'),
      token: chosen.getString('token'),
    });
  }

  readonly name: string;
  private readonly url: string;
  private readonly token: string;

  constructor(opts: { name: string; url: string; token: string }) {
    this.name = opts.name;
    this.url = opts.url.replace(/\/+$/, '');
    this.token = opts.token;
  }

  private async call<T>(method: string, path: string, what: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ?? AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new ArgoCdError(this.name, 0, undefined, (e as Error).message, what);
    }
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      throw new ArgoCdError(this.name, res.status, json?.code, json?.message ?? json?.error ?? (text.slice(0, 200) || res.statusText), what);
    }
    return json as T;
  }

  private appPath(name: string, suffix = '') {
    return `/api/v1/applications/${encodeURIComponent(name)}${suffix}`;
  }

  getApplication(name: string, signal?: AbortSignal): Promise<ArgoApplication> {
    return this.call('GET', this.appPath(name), `reading application ${name}`, undefined, signal);
  }

  /** Starts a sync (ArgoCD runs it as an operation; see waitForSync). */
  sync(name: string, opts: { revision?: string; prune?: boolean; dryRun?: boolean } = {}): Promise<ArgoApplication> {
    return this.call('POST', this.appPath(name, '/sync'), `syncing application ${name}`, {
      name,
      revision: opts.revision,
      prune: opts.prune ?? false,
      dryRun: opts.dryRun ?? false,
    });
  }

  /** Rolls back to a history id (ArgoCD refuses while automated sync is on). */
  rollback(name: string, id: number, opts: { prune?: boolean; dryRun?: boolean } = {}): Promise<ArgoApplication> {
    return this.call('PUT', this.appPath(name, '/rollback'), `rolling back application ${name} to history id ${id}`, {
      name,
      id,
      prune: opts.prune ?? false,
      dryRun: opts.dryRun ?? false,
    });
  }

  /** Sets (`automated` object) or removes (`null`) `spec.syncPolicy.automated` with a merge patch. */
  setAutomatedSync(name: string, automated: { prune?: boolean; selfHeal?: boolean } | null): Promise<ArgoApplication> {
    return this.call('PATCH', this.appPath(name), `${automated ? 'enabling' : 'disabling'} automated sync of ${name}`, {
      name,
      patchType: 'merge',
      patch: JSON.stringify({ spec: { syncPolicy: { automated } } }),
    });
  }

  /**
   * Waits until the app's operation is over and it is Synced and Healthy.
   * Throws ArgoCdSyncError (with the app's conditions in the message) when
   * the operation fails, the app ends Degraded, time runs out, or `signal`
   * aborts. `startedAfter` ignores an older finished operation.
   */
  async waitForSync(
    name: string,
    opts: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal; startedAfter?: string; expectSynced?: boolean },
  ): Promise<ArgoApplication> {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const app = await this.getApplication(name);
      const op = app.status?.operationState;
      const ours = !opts.startedAfter || (op?.startedAt ?? '') >= opts.startedAfter;
      const finished = ours && op && op.phase !== 'Running' && op.phase !== 'Terminating';
      if (finished) {
        if (op.phase === 'Failed' || op.phase === 'Error') {
          throw new ArgoCdSyncError(`sync of ${name} ${op.phase.toLowerCase()}: ${describeApp(app)}`, app, 'Failed');
        }
        const health = app.status?.health?.status;
        if (health === 'Degraded' || health === 'Missing') {
          throw new ArgoCdSyncError(`${name} is ${health} after the sync: ${describeApp(app)}`, app, 'Degraded');
        }
        const synced = (opts.expectSynced ?? true) ? app.status?.sync?.status === 'Synced' : true;
        if (synced && health === 'Healthy') return app;
      }
      if (opts.signal?.aborted) {
        throw new ArgoCdSyncError(`cancelled while waiting for ${name}: ${describeApp(app)}`, app, 'Cancelled');
      }
      if (Date.now() >= deadline) {
        throw new ArgoCdSyncError(
          `timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${name} to be Synced and Healthy: ${describeApp(app)}`,
          app,
          'Timeout',
        );
      }
      await new Promise<void>(resolve => {
        const t = setTimeout(done, Math.min(opts.intervalMs ?? 2000, Math.max(0, deadline - Date.now())));
        function done() {
          clearTimeout(t);
          opts.signal?.removeEventListener('abort', done);
          resolve();
        }
        opts.signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}
