import type { Config } from '@backstage/config';
import { ArgoCdError, type ArgoApplication } from '@plantops/backstage-plugin-plant-node';
import type { ArgoAppStatus } from './ArgoAppStore';

/** An ArgoCD instance from plant.argocd.instances (the config plant-node's ArgoCdClient reads). */
export interface ArgoInstance {
  name: string;
  url: string;
  token: string;
}

export function readArgoInstances(config: Config): ArgoInstance[] {
  return (config.getOptionalConfigArray('plant.argocd.instances') ?? []).map(c => ({
    name: c.getString('name'),
    url: c.getString('url').replace(/\/+$/, ''),
    token: c.getString('token'),
  }));
}

/**
 * GET /api/v1/applications of one instance. plant-node's ArgoCdClient reads
 * one application at a time; the list call lives here until it has one.
 */
export async function listApplications(instance: ArgoInstance): Promise<ArgoAppStatus[]> {
  let res: Response;
  try {
    res = await fetch(`${instance.url}/api/v1/applications`, {
      headers: { authorization: `Bearer ${instance.token}` },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    throw new ArgoCdError(instance.name, 0, undefined, `${(e as Error).message}${cause ? ` (${cause})` : ''}`, 'listing applications');
  }
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    throw new ArgoCdError(instance.name, res.status, json?.code, json?.message ?? json?.error ?? res.statusText, 'listing applications');
  }
  return ((json?.items ?? []) as ArgoApplication[]).map(app => ({
    instance: instance.name,
    name: app.metadata.name,
    sync: app.status?.sync?.status ?? 'Unknown',
    health: app.status?.health?.status ?? 'Unknown',
    revision: app.status?.sync?.revision,
  }));
}
