/** Thrown when the task's AbortSignal fires: the action stops where it is and says so. */
export class CancelledError extends Error {
  constructor(what: string) {
    super(`cancelled ${what}`);
    this.name = 'CancelledError';
  }
}

/** Waits `ms`, or rejects with CancelledError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal, what = 'while waiting'): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError(what));
      return;
    }
    const pending: { timer?: NodeJS.Timeout } = {};
    const onAbort = () => {
      clearTimeout(pending.timer);
      reject(new CancelledError(what));
    };
    pending.timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `probe` every `intervalMs` until it returns a value other than
 * undefined. On timeout or cancellation it throws, with `describe()` telling
 * where things stood (the last state seen).
 */
export async function pollUntil<T>(opts: {
  probe: () => Promise<T | undefined>;
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
  onTimeout: () => Error;
  what: string;
}): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.signal?.aborted) throw new CancelledError(opts.what);
    const value = await opts.probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw opts.onTimeout();
    await sleep(Math.min(opts.intervalMs, Math.max(0, deadline - Date.now())), opts.signal, opts.what);
  }
}
