import type { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** The parts of a scaffolder task (`GET /v2/tasks/:taskId`) the follower reads. */
export interface ScaffolderTask {
  id: string;
  status: 'open' | 'processing' | 'completed' | 'failed' | 'cancelled' | 'skipped';
  createdAt: string;
  createdBy?: string;
  spec: {
    parameters?: Record<string, unknown>;
    templateInfo?: { entityRef?: string };
  };
}

/** The scaffolder's REST API, called with the plant backend's own service credentials. */
export class ScaffolderTasks {
  constructor(private readonly deps: { discovery: DiscoveryService; auth: AuthService }) {}

  async get(taskId: string): Promise<ScaffolderTask | undefined> {
    const res = await this.call(`/v2/tasks/${encodeURIComponent(taskId)}`);
    if (res.status === 404) return undefined;
    return (await this.ok(res)).json();
  }

  /** The user's latest tasks, newest first. */
  async listCreatedBy(userEntityRef: string, limit = 50): Promise<ScaffolderTask[]> {
    const q = new URLSearchParams({ createdBy: userEntityRef, order: 'desc:created_at', limit: String(limit) });
    const body = await (await this.ok(await this.call(`/v2/tasks?${q}`))).json();
    return body.tasks ?? [];
  }

  /** Everyone's latest tasks, newest first. */
  async listRecent(limit = 100): Promise<ScaffolderTask[]> {
    const q = new URLSearchParams({ order: 'desc:created_at', limit: String(limit) });
    const body = await (await this.ok(await this.call(`/v2/tasks?${q}`))).json();
    return body.tasks ?? [];
  }

  /**
   * How an ended task ended, from its events: cancelled (the scaffolder marks
   * a cancelled run failed, with a `cancelled` event), and the completion's
   * error message.
   */
  async endOf(taskId: string): Promise<{ cancelled: boolean; message?: string }> {
    const res = await this.call(`/v2/tasks/${encodeURIComponent(taskId)}/events`);
    if (!res.ok) return { cancelled: false };
    const events: Array<{ type?: string; body?: { message?: string; error?: { message?: string } } }> = await res.json();
    const end = events.filter(e => e.type === 'completion').pop();
    return { cancelled: events.some(e => e.type === 'cancelled'), message: end?.body?.error?.message ?? end?.body?.message };
  }

  private async call(path: string): Promise<Response> {
    const { auth, discovery } = this.deps;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'scaffolder',
    });
    const base = await discovery.getBaseUrl('scaffolder');
    return fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) });
  }

  private async ok(res: Response): Promise<Response> {
    if (!res.ok) throw await ResponseError.fromResponse(res as any);
    return res;
  }
}
