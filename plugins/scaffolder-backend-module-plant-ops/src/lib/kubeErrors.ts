/** The Kubernetes `Status` an API call failed with, read from a client-node ApiException. */
export interface KubeStatus {
  code: number;
  reason?: string;
  message: string;
}

/** Reads the HTTP code and the API's Status out of an error from @kubernetes/client-node. */
export function kubeStatus(e: unknown): KubeStatus | undefined {
  const err = e as { code?: unknown; body?: unknown };
  if (typeof err?.code !== 'number') return undefined;
  let body: any = err.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = undefined;
    }
  }
  return {
    code: err.code,
    reason: typeof body?.reason === 'string' ? body.reason : undefined,
    message: typeof body?.message === 'string' ? body.message : `HTTP ${err.code}`,
  };
}

export const isNotFound = (e: unknown) => kubeStatus(e)?.code === 404;
export const isConflict = (e: unknown) => kubeStatus(e)?.code === 409;

/**
 * One line for a failed call, "what: 403 Forbidden: message": the API's own
 * message instead of client-node's multi-line dump of body and headers.
 */
export function describeKubeError(what: string, e: unknown): string {
  const s = kubeStatus(e);
  if (!s) return `${what}: ${(e as Error)?.message ?? String(e)}`;
  return `${what}: ${s.code}${s.reason ? ` ${s.reason}` : ''}: ${s.message}`;
}
