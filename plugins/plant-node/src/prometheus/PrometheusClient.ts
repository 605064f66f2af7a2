/** One sample of an instant vector. */
export interface PromSample {
  metric: Record<string, string>;
  /** The value; NaN and ±Inf are kept as numbers. */
  value: number;
  /** Sample time, ms since the epoch. */
  at: number;
}

/** Prometheus could not be asked, or refused the query: the reason is in the message. */
export class PrometheusUnavailableError extends Error {
  name = 'PrometheusUnavailableError';
}

export interface PrometheusClientOptions {
  /** e.g. http://prometheus.monitoring:9090 */
  baseUrl: string;
  /** Per request; default 5000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A small client for Prometheus's HTTP API v1 (instant queries only: that is
 * all the health probes need).
 */
export class PrometheusClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: PrometheusClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Runs an instant query; resolves to its vector (a scalar becomes one sample). */
  async query(expr: string, time?: Date): Promise<PromSample[]> {
    const body = new URLSearchParams({ query: expr });
    if (time) body.set('time', String(time.getTime() / 1000));
    let res: Response;
    try {
      res = await this.fetch(`${this.baseUrl}/api/v1/query`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new PrometheusUnavailableError(`Prometheus at ${this.baseUrl} did not answer: ${reason(e)}`);
    }
    const json: any = await res.json().catch(() => undefined);
    if (!res.ok || json?.status !== 'success') {
      throw new PrometheusUnavailableError(
        `Prometheus at ${this.baseUrl} refused the query ${expr}: HTTP ${res.status}${json?.error ? `, ${json.error}` : ''}`,
      );
    }
    const { resultType, result } = json.data;
    if (resultType === 'scalar') return [{ metric: {}, at: result[0] * 1000, value: Number(result[1]) }];
    if (resultType !== 'vector') {
      throw new PrometheusUnavailableError(`Prometheus answered ${expr} with a ${resultType}, not a vector`);
    }
    return (result as { metric: Record<string, string>; value: [number, string] }[]).map(r => ({
      metric: r.metric,
      at: r.value[0] * 1000,
      value: Number(r.value[1]),
    }));
  }
}

/** A short reason from a fetch error: its code (ECONNREFUSED ...) or timeout. */
export function reason(e: unknown): string {
  // Duck-typed: errors from fetch may come from another realm (Jest).
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return `timed out (${err.message})`;
  const cause = err?.cause?.code ?? err?.cause?.message;
  return cause ? `${err.message} (${cause})` : String(err?.message ?? e);
}
