import { parseEntityRef } from '@backstage/catalog-model';
import type {
  ProductionLineEntity,
  SiteEntity,
} from '@plantops/backstage-plugin-plant-common';
import type { PlantConfig, ShiftConfig } from '@plantops/plant-simulator';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Minutes east of UTC of an IANA time zone at a given time. */
export function utcOffsetMinutes(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find(p => p.type === 'timeZoneName')?.value;
  const m = /^GMT(?:([+-])(\d\d):(\d\d))?$/.exec(name ?? '');
  if (!m) throw new Error(`timezone: cannot read the UTC offset of ${timeZone}`);
  if (!m[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

const clock = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/**
 * The demo plant's layout from the catalog: every Site with its
 * ProductionLines and their machines, so the embedded simulator produces
 * telemetry for exactly the sites and lines people find in the catalog.
 * The simulator keeps one fixed UTC offset per site (taken at `at`) and one
 * set of workdays per site (the union of the shifts' days).
 */
export function plantFromEntities(
  sites: SiteEntity[],
  lines: ProductionLineEntity[],
  at: Date,
): PlantConfig {
  const plant: PlantConfig = { sites: [] };
  for (const site of sites) {
    const siteLines = lines.filter(
      l => parseEntityRef(l.spec.site, { defaultKind: 'Site', defaultNamespace: 'default' }).name === site.metadata.name,
    );
    if (siteLines.length === 0) continue;
    const calendar = site.spec.shiftCalendar;
    const shifts: ShiftConfig[] = (calendar?.shifts ?? []).map(s => ({
      name: s.name,
      start: s.start,
      end: s.end,
      breaks: (s.plannedBreaks ?? []).map(b => ({
        start: b.start,
        minutes: (clock(b.end) - clock(b.start) + 1440) % 1440,
      })),
    }));
    const workdays = [...new Set((calendar?.shifts ?? []).flatMap(s => s.days))]
      .map(d => WEEKDAYS.indexOf(d))
      .sort();
    plant.sites.push({
      name: site.metadata.name,
      calendar: {
        utcOffsetMinutes: utcOffsetMinutes(site.spec.timezone, at),
        // A site without a calendar runs around the clock.
        workdays: shifts.length ? workdays : undefined,
        shifts: shifts.length ? shifts : [{ name: 'all-day', start: '00:00', end: '00:00' }],
      },
      lines: siteLines.map(l => ({
        name: l.metadata.name,
        machines: l.spec.machines.map(m => ({
          name: m.name,
          products: [{ id: `${l.metadata.name}-${m.name}`, idealCycleTimeS: m.idealCycleTimeSeconds }],
        })),
      })),
    });
  }
  return plant;
}
