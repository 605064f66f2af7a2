import type { EntityHealth, PlantAlert } from '@plantops/backstage-plugin-plant-common';
import type { EntitySummary, NowResponse } from '../../api/HealthApi';

export interface NowFilter {
  system?: string;
  site?: string;
  owner?: string;
}

const matches = (s: EntitySummary | undefined, f: NowFilter) =>
  Boolean(s) &&
  (!f.system || s!.system === f.system) &&
  (!f.site || s!.site === f.site) &&
  (!f.owner || s!.owner === f.owner);

/**
 * The Now page's rows under a filter. An alert passes when one of its
 * entities does; an unmapped alert only without a filter (it belongs to no one yet).
 */
export function filterNow(now: NowResponse, f: NowFilter): { health: EntityHealth[]; alerts: PlantAlert[] } {
  const none = !f.system && !f.site && !f.owner;
  if (none) return { health: now.health, alerts: now.alerts };
  return {
    health: now.health.filter(h => matches(now.entities[h.entityRef], f)),
    alerts: now.alerts.filter(a => a.entityRefs.some(r => matches(now.entities[r], f))),
  };
}

/** The distinct values of one filter field, for its select. */
export function options(now: NowResponse, field: keyof NowFilter): string[] {
  const values = Object.values(now.entities).map(e => e[field]).filter((v): v is string => Boolean(v));
  return [...new Set(values)].sort();
}
