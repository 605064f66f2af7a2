import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

const MASK = '[redacted]';

/**
 * The shapes a secret takes on its way to Kubernetes: the plain value and its
 * base64 form (Secret `data`). Both must be scrubbed.
 */
export function secretForms(secret: string | Buffer): string[] {
  const buf = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  const forms = [buf.toString('utf8'), buf.toString('base64'), buf.toString('base64url')];
  return [...new Set(forms.filter(f => f.length >= 8))];
}

/** Holds the secrets of one action run and scrubs them from anything leaving it. */
export class Redactor {
  private readonly forms = new Set<string>();

  add(secret: string | Buffer | undefined): void {
    if (secret === undefined) return;
    for (const f of secretForms(secret)) this.forms.add(f);
  }

  text(s: string): string {
    let out = s;
    for (const f of this.forms) out = out.split(f).join(MASK);
    return out;
  }

  json<T>(value: T): T {
    return this.forms.size === 0 ? value : (JSON.parse(this.text(JSON.stringify(value))) as T);
  }

  /** An error safe to throw: same class name and message with every secret form masked. */
  error(e: unknown): Error {
    const err = e instanceof Error ? e : new Error(String(e));
    const message = this.text(err.message);
    const stackClean = !err.stack || this.text(err.stack) === err.stack;
    if (message === err.message && stackClean) return err;
    const safe = new Error(message);
    safe.name = err.name;
    safe.stack = `${err.name}: ${message}`;
    return safe;
  }

  /** A logger that masks every secret form in messages and metadata. */
  logger(inner: LoggerService): LoggerService {
    const wrap =
      (level: 'error' | 'warn' | 'info' | 'debug') =>
      (message: string, meta?: Error | JsonObject) =>
        inner[level](this.text(message), meta instanceof Error ? this.error(meta) : meta && this.json(meta));
    return {
      error: wrap('error'),
      warn: wrap('warn'),
      info: wrap('info'),
      debug: wrap('debug'),
      child: (meta: JsonObject) => this.logger(inner.child(this.json(meta))),
    };
  }
}
