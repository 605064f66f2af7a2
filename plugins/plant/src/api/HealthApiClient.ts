import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { AlertsResponse, HealthApi, NowResponse } from './HealthApi';
import { PlantApiError } from './PlantApiClient';

export class HealthApiClient implements HealthApi {
  constructor(private readonly options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  getHealth(entityRefs: string[] = []) {
    const q = new URLSearchParams();
    entityRefs.forEach(r => q.append('entityRef', r));
    return this.request<any>('GET', `/health-status?${q}`);
  }

  getHistory(entityRef: string) {
    return this.request<any>('GET', `/health-status/history?${new URLSearchParams({ entityRef })}`);
  }

  getAlerts(entityRef?: string): Promise<AlertsResponse> {
    return this.request('GET', `/alerts${entityRef ? `?${new URLSearchParams({ entityRef })}` : ''}`);
  }

  getNow(): Promise<NowResponse> {
    return this.request('GET', '/now');
  }

  silence(request: { alertId: string; minutes: number; comment: string }) {
    return this.request<{ silenceId: string }>('POST', '/alerts/silences', request);
  }

  async expireSilence(silenceId: string) {
    await this.request('DELETE', `/alerts/silences/${encodeURIComponent(silenceId)}`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('plant');
    const res = await this.options.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    });
    if (!res.ok) {
      const json = await res.json().catch(() => undefined);
      throw new PlantApiError(
        json?.error?.name ?? 'Error',
        json?.error?.message ?? `${method} ${path} failed: HTTP ${res.status}`,
        res.status,
      );
    }
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
}
