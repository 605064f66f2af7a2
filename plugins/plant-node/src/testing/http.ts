import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a double saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  body?: unknown;
  status: number;
  at: Date;
}

export interface FailureSpec {
  /** how many matching requests fail (default 1) */
  times?: number;
  /** only this method (default any) */
  method?: string;
  /** HTTP status (default 500) */
  code?: number;
  reason?: string;
  message?: string;
}

interface Failure extends Required<Omit<FailureSpec, 'method'>> {
  match: string | RegExp;
  method?: string;
}

const matchPath = (match: string | RegExp, path: string) =>
  typeof match === 'string' ? path === match : match.test(path);

/** Test hooks shared by both doubles: injected failures, latency, and the request log. */
export class DoubleHooks {
  readonly requests: RecordedRequest[] = [];
  private failures: Failure[] = [];
  private latencies: { match?: string | RegExp; ms: number }[] = [];

  /** The next `times` requests whose path equals `match` (or matches the RegExp) fail. */
  failNext(match: string | RegExp, spec: FailureSpec = {}): void {
    this.failures.push({
      match,
      method: spec.method?.toUpperCase(),
      times: spec.times ?? 1,
      code: spec.code ?? 500,
      reason: spec.reason ?? 'InternalError',
      message: spec.message ?? 'injected failure',
    });
  }

  /** Delay every response (or those whose path matches) by `ms`. `setLatency(0)` clears. */
  setLatency(ms: number, match?: string | RegExp): void {
    if (ms === 0 && !match) this.latencies = [];
    else this.latencies.push({ match, ms });
  }

  /** Requests that could change state (everything but GET). */
  writes(): RecordedRequest[] {
    return this.requests.filter(r => r.method !== 'GET');
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** @internal */
  latencyFor(path: string): number {
    return this.latencies
      .filter(l => !l.match || matchPath(l.match, path))
      .reduce((sum, l) => sum + l.ms, 0);
  }

  /** @internal */
  takeFailure(method: string, path: string): Failure | undefined {
    const f = this.failures.find(
      x => x.times > 0 && (!x.method || x.method === method) && matchPath(x.match, path),
    );
    if (f) f.times--;
    this.failures = this.failures.filter(x => x.times > 0);
    return f;
  }
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Starts `handler` on 127.0.0.1 with a random port; `close` also drops open (watch) connections. */
export async function listen(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close(err => (err ? reject(err) : resolve()));
      }),
  };
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
