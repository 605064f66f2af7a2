import type { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import type { JsonValue } from '@backstage/types';

/** The plant backend's approval request, as far as the action needs it. */
export interface ApprovalRecord {
  id: string;
  status: 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';
  requester: string;
  expiresAt: string;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
}

export interface OpenApproval {
  taskId: string;
  key: string;
  title: string;
  target: string;
  environment: string;
  requester: string;
  templateRef?: string;
  plan: JsonValue;
  dryRunOutput: JsonValue;
  timeoutMinutes: number;
}

/** Talks to /api/plant/approvals as this backend (service-to-service token). */
export class ApprovalsClient {
  constructor(private readonly deps: { discovery: DiscoveryService; auth: AuthService }) {}

  open(body: OpenApproval): Promise<ApprovalRecord> {
    return this.call('POST', '/approvals', body);
  }

  get(id: string): Promise<ApprovalRecord> {
    return this.call('GET', `/approvals/${encodeURIComponent(id)}`);
  }

  close(id: string, status: 'cancelled' | 'expired', reason: string): Promise<ApprovalRecord> {
    return this.call('POST', `/approvals/${encodeURIComponent(id)}/close`, { status, reason });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const baseUrl = await this.deps.discovery.getBaseUrl('plant');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
      targetPluginId: 'plant',
    });
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) {
      const text = await res.text();
      let message = text.slice(0, 500);
      try {
        message = JSON.parse(text)?.error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new Error(`plant backend ${method} ${path} failed with ${res.status}: ${message}`);
    }
    return (await res.json()) as T;
  }
}
