import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { Approval, ApprovalsApi, ApprovalStatus } from './ApprovalsApi';
import { PlantApiError } from './PlantApiClient';

export class ApprovalsApiClient implements ApprovalsApi {
  constructor(private readonly options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  listApprovals(filter: { status?: ApprovalStatus } = {}): Promise<{ items: Approval[] }> {
    return this.call('GET', `/approvals${filter.status ? `?status=${filter.status}` : ''}`);
  }

  getApproval(id: string): Promise<Approval> {
    return this.call('GET', `/approvals/${encodeURIComponent(id)}`);
  }

  approve(id: string, comment?: string): Promise<Approval> {
    return this.call('POST', `/approvals/${encodeURIComponent(id)}/approve`, { comment });
  }

  deny(id: string, comment?: string): Promise<Approval> {
    return this.call('POST', `/approvals/${encodeURIComponent(id)}/deny`, { comment });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('plant');
    const res = await this.options.fetchApi.fetch(`${base}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!res.ok) {
      let name = 'Error';
      let message = `Request failed with ${res.status} ${res.statusText}`.trim();
      try {
        const e = (await res.json())?.error;
        if (typeof e?.message === 'string') {
          message = e.message;
          name = typeof e.name === 'string' ? e.name : name;
        }
      } catch {
        // not JSON: keep the status line
      }
      throw new PlantApiError(name, message, res.status);
    }
    return (await res.json()) as T;
  }
}
