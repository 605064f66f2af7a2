import type { AuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { isKnownTimeZone, isSiteEntity } from '@plantops/backstage-plugin-plant-common';
import type { SiteCalendar } from './OeeQueries';

/**
 * The shift calendars and time zones of the catalog's Site entities, by site
 * name, read at most once a minute. A site with an unknown zone is left out
 * (it gets the default calendar) rather than guessed.
 */
export function catalogSiteCalendars(catalog: CatalogService, auth: AuthService, ttlMs = 60_000) {
  let cached: { at: number; value: Promise<Map<string, SiteCalendar>> } | undefined;
  const load = async () => {
    const { items } = await catalog.getEntities(
      { filter: { kind: 'Site' } },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const out = new Map<string, SiteCalendar>();
    for (const site of items.filter(isSiteEntity)) {
      const { timezone, shiftCalendar } = site.spec ?? {};
      if (!timezone || !isKnownTimeZone(timezone)) continue;
      out.set(site.metadata.name, { timezone, shifts: shiftCalendar?.shifts ?? [] });
    }
    return out;
  };
  return () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const value = load();
      cached = { at: Date.now(), value };
      value.catch(() => { cached = undefined; });
    }
    return cached.value;
  };
}
