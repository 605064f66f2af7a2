import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  ProductionLineEntity,
  isKnownTimeZone,
  isProductionLineEntity,
  isSiteEntity,
} from '@plantops/backstage-plugin-plant-common';
import type { MachineStatus } from '../../api';
import { siteRefOf } from '../../lib/scope';
import { parseInstant } from '../../lib/relativeTime';
import { StateTone, TONES, toneOf } from '../PlantOverview/states';

/** A site whose newest machine event is older than this is stale. */
export const STALE_AFTER_MS = 2 * 60_000;

/** A link to another entity, or the raw value when it is not a valid ref. */
export type RefLink = {
  label: string;
  /** Absent when the value is not a valid entity ref. */
  ref?: CompoundEntityRef;
  /** False for a line the site names that the catalog does not have. */
  inCatalog?: boolean;
};

/**
 * What the telemetry says about a site:
 * - `live`: the newest machine event is at most 2 minutes old; `tone` is the
 *   worst state among the machines that reported in those 2 minutes.
 * - `stale`: machines are known to the backend, but none reported in the
 *   last 2 minutes (amber).
 * - `no-telemetry`: the backend has no machine of the site (red).
 * - `unavailable`: the machines could not be read (amber).
 */
export type SiteStatus =
  | {
      kind: 'live';
      tone: StateTone;
      /** The state behind `tone`, e.g. "Fault". */
      worstState: string;
      reporting: number;
      known: number;
      lastHeartbeat: Date;
    }
  | { kind: 'stale'; reporting: 0; known: number; lastHeartbeat?: Date }
  | { kind: 'no-telemetry'; reporting: 0; known: number }
  | { kind: 'unavailable'; known: number; problem: string };

export type SiteRow = {
  /** `site:<namespace>/<name>`. */
  id: string;
  ref: CompoundEntityRef;
  name: string;
  title: string;
  type: string;
  region: string;
  plantCode: string;
  timezone: string;
  timezoneKnown: boolean;
  edgeDevice?: RefLink;
  cluster?: RefLink;
  lines: RefLink[];
  status: SiteStatus;
  /** The status in words, for search and sorting. */
  statusLabel: string;
  /** Active Andon calls; undefined when the machines could not be read. */
  andonActive?: number;
  /** "line/machine: reason" of each active call. */
  andonCalls: string[];
};

export type SitesModel = {
  rows: SiteRow[];
  /** Sites that send telemetry but have no Site entity. */
  unknownSites: string[];
  /** Why the machines could not be read, when they could not. */
  telemetryProblem?: string;
  /** When the machines were read: ages and staleness are relative to it. */
  checkedAt: Date;
};

const STATUS_COLOUR = {
  stale: TONES.waiting.colour,
  'no-telemetry': TONES.down.colour,
  unavailable: TONES.waiting.colour,
} as const;

/** The dot colour and its name for a status; never green unless live. */
export function statusColour(status: SiteStatus): {
  colour: string;
  name: string;
} {
  if (status.kind === 'live') {
    return {
      colour: TONES[status.tone].colour,
      name: TONES[status.tone].label,
    };
  }
  return {
    colour: STATUS_COLOUR[status.kind],
    name: status.kind === 'no-telemetry' ? 'red' : 'amber',
  };
}

export function statusLabel(status: SiteStatus): string {
  switch (status.kind) {
    case 'live':
      return `live, worst state ${status.worstState}`;
    case 'stale':
      return 'stale';
    case 'no-telemetry':
      return 'no telemetry';
    default:
      return 'telemetry unavailable';
  }
}

/** Worst first: what needs attention sorts to the top. */
const SEVERITY: Record<StateTone, number> = {
  down: 0,
  waiting: 1,
  unknown: 2,
  setup: 3,
  running: 4,
  planned: 5,
};

export function statusRank(status: SiteStatus): number {
  switch (status.kind) {
    case 'no-telemetry':
      return 0;
    case 'stale':
      return 1;
    case 'unavailable':
      return 2;
    default:
      return 3 + SEVERITY[status.tone];
  }
}

const text = (value: unknown) =>
  typeof value === 'string' && value.trim() ? value : '—';

function refLink(
  value: unknown,
  defaultKind: string,
  defaultNamespace: string,
): RefLink | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  try {
    const ref = parseEntityRef(value, { defaultKind, defaultNamespace });
    return { label: ref.name, ref };
  } catch {
    return { label: value };
  }
}

const key = (namespace: string, name: string) =>
  `${namespace}/${name}`.toLocaleLowerCase('en-US');

function machineKey(m: { line: string; machine: string }) {
  return `${m.line}/${m.machine}`;
}

function siteStatus(
  machines: MachineStatus[],
  declared: Set<string>,
  now: Date,
): SiteStatus {
  const known = new Set([...declared, ...machines.map(machineKey)]).size;
  if (machines.length === 0)
    return { kind: 'no-telemetry', reporting: 0, known };
  let newest: Date | undefined;
  const fresh: MachineStatus[] = [];
  for (const m of machines) {
    const at = parseInstant(m.lastEventAt);
    if (!at) continue;
    if (!newest || at > newest) newest = at;
    if (now.getTime() - at.getTime() <= STALE_AFTER_MS) fresh.push(m);
  }
  if (!newest || fresh.length === 0) {
    return { kind: 'stale', reporting: 0, known, lastHeartbeat: newest };
  }
  let worst = fresh[0];
  for (const m of fresh) {
    if (SEVERITY[toneOf(m.state)] < SEVERITY[toneOf(worst.state)]) worst = m;
  }
  return {
    kind: 'live',
    tone: toneOf(worst.state),
    worstState: worst.state ?? 'unknown',
    reporting: fresh.length,
    known,
    lastHeartbeat: newest,
  };
}

/**
 * One row per Site entity: its catalog facts, its lines (named by the site
 * or naming it) and its live status from the machines' latest events.
 * `machines` is an Error when they could not be read.
 */
export function buildSiteRows(
  entities: Entity[],
  machines: MachineStatus[] | Error,
  now: Date,
): SitesModel {
  const sites = entities.filter(isSiteEntity);
  const lines = new Map<string, ProductionLineEntity>();
  for (const e of entities) {
    if (isProductionLineEntity(e)) {
      lines.set(key(e.metadata.namespace ?? 'default', e.metadata.name), e);
    }
  }
  const linesOfSite = new Map<string, Set<string>>();
  for (const [lineKey, line] of lines) {
    const site = siteRefOf(line);
    if (!site) continue;
    const siteKey = key(site.namespace, site.name);
    const set = linesOfSite.get(siteKey) ?? new Set();
    set.add(lineKey);
    linesOfSite.set(siteKey, set);
  }
  const machinesBySite = new Map<string, MachineStatus[]>();
  if (!(machines instanceof Error)) {
    for (const m of machines) {
      const list = machinesBySite.get(m.site) ?? [];
      list.push(m);
      machinesBySite.set(m.site, list);
    }
  }

  const rows = sites.map((site): SiteRow => {
    const namespace = site.metadata.namespace ?? 'default';
    const name = site.metadata.name;
    const spec = site.spec ?? ({} as typeof site.spec);

    // Lines the site names, then lines that name the site.
    const siteLines: RefLink[] = [];
    const seen = new Set<string>();
    const addLine = (lineKey: string, fallback: RefLink) => {
      if (seen.has(lineKey)) return;
      seen.add(lineKey);
      const entity = lines.get(lineKey);
      siteLines.push(
        entity
          ? {
              label: entity.metadata.title ?? entity.metadata.name,
              ref: {
                kind: entity.kind,
                namespace: entity.metadata.namespace ?? 'default',
                name: entity.metadata.name,
              },
              inCatalog: true,
            }
          : { ...fallback, inCatalog: false },
      );
    };
    for (const raw of Array.isArray(spec.lines) ? spec.lines : []) {
      const link = refLink(raw, 'ProductionLine', namespace);
      if (!link) continue;
      addLine(
        link.ref ? key(link.ref.namespace, link.ref.name) : `invalid:${raw}`,
        link,
      );
    }
    for (const lineKey of linesOfSite.get(key(namespace, name)) ?? []) {
      addLine(lineKey, { label: lineKey });
    }
    siteLines.sort((a, b) => a.label.localeCompare(b.label));

    const declared = new Set<string>();
    for (const lineKey of seen) {
      const line = lines.get(lineKey);
      for (const m of Array.isArray(line?.spec.machines)
        ? line!.spec.machines
        : []) {
        declared.add(
          machineKey({ line: line!.metadata.name, machine: m.name }),
        );
      }
    }

    const siteMachines = machinesBySite.get(name) ?? [];
    const status: SiteStatus =
      machines instanceof Error
        ? {
            kind: 'unavailable',
            known: declared.size,
            problem: machines.message,
          }
        : siteStatus(siteMachines, declared, now);
    const andon = siteMachines.filter(m => m.andon?.active);
    const timezone = text(spec.timezone);

    return {
      id: `site:${namespace}/${name}`,
      ref: { kind: site.kind, namespace, name },
      name,
      title: site.metadata.title ?? name,
      type: text(spec.type),
      region: text(spec.region),
      plantCode: text(spec.plantCode),
      timezone,
      timezoneKnown: timezone !== '—' && isKnownTimeZone(timezone),
      edgeDevice: refLink(spec.edgeDevice, 'Resource', namespace),
      cluster: refLink(spec.cluster, 'Resource', namespace),
      lines: siteLines,
      status,
      statusLabel: statusLabel(status),
      andonActive: machines instanceof Error ? undefined : andon.length,
      andonCalls: andon
        .map(
          m =>
            `${m.line}/${m.machine}: ${m.andon?.reason || 'no reason given'}`,
        )
        .sort(),
    };
  });
  rows.sort((a, b) => a.title.localeCompare(b.title));

  const catalogSiteNames = new Set(sites.map(s => s.metadata.name));
  const unknownSites = [...machinesBySite.keys()]
    .filter(s => !catalogSiteNames.has(s))
    .sort();
  return {
    rows,
    unknownSites,
    telemetryProblem: machines instanceof Error ? machines.message : undefined,
    checkedAt: now,
  };
}
