import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { Incident, Runbook } from '@plantops/backstage-plugin-plant-common';
import { PlantApiError } from './PlantApiClient';
import type { SourceStatus } from '@plantops/backstage-plugin-plant-common';
import type {
  Deployment,
  IncidentEventRequest,
  RunbookList,
  RunbooksApi,
  StartIncidentRequest,
} from './RunbooksApi';

export class RunbooksApiClient implements RunbooksApi {
  constructor(
    private readonly options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  listRunbooks(filter: { alert?: string; entity?: string } = {}): Promise<RunbookList> {
    return this.json('GET', '/runbooks', filter);
  }

  getRunbook(id: string): Promise<Runbook> {
    return this.json('GET', `/runbooks/${encodeURIComponent(id)}`);
  }

  listIncidents(filter: { status?: 'open' | 'closed' } = {}): Promise<{ items: Incident[] }> {
    return this.json('GET', '/incidents', filter);
  }

  getIncident(id: string): Promise<Incident> {
    return this.json('GET', `/incidents/${encodeURIComponent(id)}`);
  }

  startIncident(request: StartIncidentRequest): Promise<Incident> {
    return this.json('POST', '/incidents', {}, request);
  }

  recordIncidentEvent(id: string, event: IncidentEventRequest): Promise<Incident> {
    return this.json('POST', `/incidents/${encodeURIComponent(id)}/events`, {}, event);
  }

  closeIncident(id: string, resolution: string): Promise<Incident> {
    return this.json('POST', `/incidents/${encodeURIComponent(id)}/close`, {}, { resolution });
  }

  async exportIncident(id: string): Promise<string> {
    const res = await this.request('GET', `/incidents/${encodeURIComponent(id)}/export.md`, {});
    return res.text();
  }

  getDeployments(entityRef: string): Promise<{ items: Deployment[]; sources: SourceStatus[] }> {
    return this.json('GET', '/deployments', { entity: entityRef });
  }

  private async json<T>(method: string, path: string, params: Record<string, string | undefined> = {}, body?: unknown): Promise<T> {
    return (await this.request(method, path, params, body)).json();
  }

  private async request(method: string, path: string, params: Record<string, string | undefined>, body?: unknown) {
    const base = await this.options.discoveryApi.getBaseUrl('plant');
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) query.set(k, v);
    const qs = query.toString();
    const res = await this.options.fetchApi.fetch(`${base}${path}${qs ? `?${qs}` : ''}`, {
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
    return res;
  }
}
