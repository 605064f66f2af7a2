import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { PlantApi } from './PlantApi';
import type {
  AndonResponse,
  MachinesResponse,
  OeeQuery,
  OeeResponse,
  OeeTrendQuery,
  OeeTrendResponse,
  PlantFilter,
} from './types';

/**
 * A failed plant backend request. `name` and `message` come from the
 * backend's `{ error: { name, message } }` body when it sends one.
 */
export class PlantApiError extends Error {
  constructor(name: string, message: string, readonly statusCode: number) {
    super(message);
    this.name = name;
  }
}

type Params = Record<string, string | undefined>;

export class PlantApiClient implements PlantApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getMachines(filter: PlantFilter = {}): Promise<MachinesResponse> {
    return this.get('/machines', { site: filter.site, line: filter.line });
  }

  getOee(query: OeeQuery): Promise<OeeResponse> {
    return this.get('/oee', {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      groupBy: query.groupBy,
      site: query.site,
      line: query.line,
    });
  }

  getOeeTrend(query: OeeTrendQuery): Promise<OeeTrendResponse> {
    return this.get('/oee/trend', {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      resolution: query.resolution,
      site: query.site,
      line: query.line,
    });
  }

  getAndon(
    filter: PlantFilter & { active?: boolean } = {},
  ): Promise<AndonResponse> {
    return this.get('/andon', {
      site: filter.site,
      line: filter.line,
      active: filter.active === undefined ? undefined : String(filter.active),
    });
  }

  private async get<T>(path: string, params: Params): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('plant');
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== '') query.set(key, value);
    }
    const qs = query.toString();
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}${qs ? `?${qs}` : ''}`,
    );
    if (!response.ok) throw await toError(response);
    return (await response.json()) as T;
  }
}

async function toError(response: Response): Promise<PlantApiError> {
  const fallback =
    `Request failed with ${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    const error = body?.error;
    if (error && typeof error.message === 'string') {
      return new PlantApiError(
        typeof error.name === 'string' ? error.name : 'Error',
        error.message,
        response.status,
      );
    }
  } catch {
    // not JSON: keep the status line
  }
  return new PlantApiError('Error', fallback, response.status);
}
