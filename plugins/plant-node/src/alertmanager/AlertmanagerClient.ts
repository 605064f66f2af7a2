import { reason } from '../prometheus/PrometheusClient';

/** An alert as Alertmanager's API v2 returns it (GET /api/v2/alerts). */
export interface AmAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL?: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
  receivers: { name: string }[];
}

export interface AmMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

export interface AmSilence {
  id: string;
  matchers: AmMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: 'active' | 'pending' | 'expired' };
  updatedAt?: string;
}

export type NewSilence = Omit<AmSilence, 'id' | 'status' | 'updatedAt'>;

/** Alertmanager could not be asked or refused the request: the reason is in the message. */
export class AlertmanagerUnavailableError extends Error {
  name = 'AlertmanagerUnavailableError';
}

export interface AlertmanagerClientOptions {
  /** e.g. http://alertmanager.monitoring:9093 */
  baseUrl: string;
  /** Per request; default 5000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Alertmanager's API v2: alerts and silences. */
export class AlertmanagerClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: AlertmanagerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Active alerts, silenced and inhibited ones included (their status says so). */
  getAlerts(filter: string[] = []): Promise<AmAlert[]> {
    const q = new URLSearchParams({ active: 'true', silenced: 'true', inhibited: 'true', unprocessed: 'true' });
    for (const f of filter) q.append('filter', f);
    return this.request('GET', `/api/v2/alerts?${q}`);
  }

  getSilences(): Promise<AmSilence[]> {
    return this.request('GET', '/api/v2/silences');
  }

  /** Creates a silence; resolves to its id. */
  async createSilence(silence: NewSilence): Promise<string> {
    const r = await this.request<{ silenceID: string }>('POST', '/api/v2/silences', silence);
    return r.silenceID;
  }

  async expireSilence(id: string): Promise<void> {
    await this.request('DELETE', `/api/v2/silence/${encodeURIComponent(id)}`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new AlertmanagerUnavailableError(`Alertmanager at ${this.baseUrl} did not answer: ${reason(e)}`);
    }
    const text = await res.text();
    if (!res.ok) {
      throw new AlertmanagerUnavailableError(
        `Alertmanager at ${this.baseUrl} refused ${method} ${path.split('?')[0]}: HTTP ${res.status} ${text.slice(0, 200)}`,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
