import type { Pool } from 'pg';
import {
  shiftSpans,
  ShiftSpan,
  SiteShift,
  computeOee,
  OeeElements,
  OeeResult,
  SixBigLosses,
  sixBigLosses,
  ZERO_TIME_ELEMENTS,
} from '@plantops/backstage-plugin-plant-common';
import { columnFor } from '../ingest/RollupWriter';
import { withoutRounding } from './rounding';
import { ROLLUP_TABLES } from '../database/schema';
import type { MachineState } from '../ingest/types';

export const GROUP_BYS = ['machine', 'line', 'site', 'day', 'shift'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const RESOLUTIONS = { minute: 60, hour: 3600, day: 86400 } as const;
export type Resolution = keyof typeof RESOLUTIONS;

export interface OeeQuery {
  from: Date;
  to: Date;
  site?: string;
  line?: string;
}

export interface OeeGroup {
  key: { site?: string; line?: string; machine?: string; day?: string; shift?: string };
  machines: number;
  elements: OeeElements;
  result: OeeResult;
  losses: SixBigLosses;
}

/** Shifts of the default plant calendar: three of 8 h, the first at `firstShiftStartHourUtc`. */
export interface ShiftCalendar {
  firstShiftStartHourUtc: number;
  names: [string, string, string];
}
export const DEFAULT_SHIFTS: ShiftCalendar = { firstShiftStartHourUtc: 6, names: ['early', 'late', 'night'] };

/** A Site entity's shift calendar and time zone (spec.shiftCalendar, spec.timezone). */
export interface SiteCalendar {
  timezone: string;
  shifts: SiteShift[];
}

/** Sum name and rollup column. */
const SUM_COLUMNS = {
  executing: 'executing_s', idle: 'idle_s', fault: 'fault_s', micro: 'micro_stop_s', setup: 'setup_s',
  planned: 'planned_downtime_s', no_shift: 'no_shift_s', produced: 'produced', good: 'good', reject: 'reject',
  ideal: 'ideal_s', ideal_good: 'ideal_good_s', startup: 'startup_reject', ideal_startup: 'ideal_startup_reject_s',
} as const;
type Sums = Record<keyof typeof SUM_COLUMNS, number>;
const SUM_NAMES = Object.keys(SUM_COLUMNS) as (keyof Sums)[];
const ZERO_SUMS = Object.fromEntries(SUM_NAMES.map(k => [k, 0])) as Sums;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const COLUMN_TO_SUM: Record<string, keyof Sums> = {
  executing_s: 'executing', idle_s: 'idle', fault_s: 'fault', micro_stop_s: 'micro',
  setup_s: 'setup', planned_downtime_s: 'planned', no_shift_s: 'no_shift',
};

/**
 * OEE over any window, from the per-minute rollups plus each machine's
 * current (still open) state interval. Groups sum time elements and counts
 * and recompute: percentages are never averaged.
 */
export class OeeQueries {
  constructor(
    private readonly pool: Pool,
    private readonly options: {
      microStopSeconds: number;
      /** Shifts of sites without a calendar of their own. Default DEFAULT_SHIFTS. */
      shifts?: ShiftCalendar;
      /** The sites' own calendars, by site name (from the catalog). */
      calendars?: () => Promise<Map<string, SiteCalendar>>;
      now?: () => number;
    } = { microStopSeconds: 120 },
  ) {}

  /** The shifts of each site that overlap [from, to): its own calendar, else the default one. */
  async shifts(from: number, to: number, site?: string): Promise<Map<string, ShiftSpan[]>> {
    const calendars = (await this.options.calendars?.().catch(() => undefined)) ?? new Map<string, SiteCalendar>();
    const r = await this.pool.query<{ site: string }>(
      `SELECT DISTINCT site FROM plant_machine${site ? ' WHERE site = $1' : ''}`,
      site ? [site] : [],
    );
    const out = new Map<string, ShiftSpan[]>();
    for (const { site: name } of r.rows) {
      const own = calendars.get(name);
      out.set(name, own ? shiftSpans(own.shifts, own.timezone, from, to) : defaultSpans(this.options.shifts ?? DEFAULT_SHIFTS, from, to));
    }
    return out;
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /** SQL and JS forms of one grouping, kept side by side so they agree. */
  private grouping(groupBy: GroupBy | { resolution: Resolution }): Grouping {
    if (typeof groupBy === 'object') {
      const step = RESOLUTIONS[groupBy.resolution];
      return {
        stepMs: step * 1000,
        sql: [`floor(extract(epoch FROM bucket) / ${step})::bigint AS k0`],
        js: (_m: Machine, ms: number) => [String(Math.floor(ms / 1000 / step))],
        key: (k: string[]) => ({ t: new Date(Number(k[0]) * step * 1000).toISOString() }),
      };
    }
    switch (groupBy) {
      case 'machine':
        return {
          stepMs: DAY_MS,
          sql: ['site AS k0', 'line AS k1', 'machine AS k2'],
          js: (m: Machine) => [m.site, m.line, m.machine],
          key: (k: string[]) => ({ site: k[0], line: k[1], machine: k[2] }),
        };
      case 'line':
        return {
          stepMs: DAY_MS,
          sql: ['site AS k0', 'line AS k1'],
          js: (m: Machine) => [m.site, m.line],
          key: (k: string[]) => ({ site: k[0], line: k[1] }),
        };
      case 'site':
        return { stepMs: DAY_MS, sql: ['site AS k0'], js: (m: Machine) => [m.site], key: (k: string[]) => ({ site: k[0] }) };
      case 'day':
        return {
          stepMs: DAY_MS,
          sql: ['floor(extract(epoch FROM bucket) / 86400)::bigint AS k0'],
          js: (_m: Machine, ms: number) => [String(Math.floor(ms / 86_400_000))],
          key: (k: string[]) => ({ day: new Date(Number(k[0]) * 86_400_000).toISOString().slice(0, 10) }),
        };
      default:
        throw new Error('groupBy shift: grouped by the sites\' shift spans in oee()');
    }
  }

  async oee(q: OeeQuery & { groupBy: GroupBy }): Promise<OeeGroup[]> {
    const g = q.groupBy === 'shift'
      ? spanGrouping(await this.shifts(q.from.getTime(), q.to.getTime(), q.site))
      : this.grouping(q.groupBy);
    const groups = await this.sums(q, g);
    return [...groups.values()]
      .map(({ key, sums, machines }) => toGroup(g.key(key), sums, machines.size))
      .sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
  }

  /**
   * OEE per line over the shift running now at each line's site (its own
   * calendar and time zone, else the default one); lines of sites between
   * shifts are left out.
   */
  async currentShiftByLine(): Promise<OeeGroup[]> {
    const now = this.now();
    const out: OeeGroup[] = [];
    for (const [site, spans] of await this.shifts(now - DAY_MS, now + 1)) {
      const running = spans.find(sp => sp.start <= now && now < sp.end);
      if (!running) continue;
      out.push(...(await this.oee({ from: new Date(running.start), to: new Date(running.end), site, groupBy: 'line' })));
    }
    return out;
  }

  async trend(q: OeeQuery & { resolution: Resolution }) {
    const g = this.grouping({ resolution: q.resolution });
    const groups = await this.sums(q, g, false);
    return [...groups.values()]
      .map(({ key, sums, machines }) => {
        const { result } = toGroup({}, sums, machines.size);
        const { availability, performance, quality, oee } = result;
        return { t: g.key(key).t, availability, performance, quality, oee };
      })
      .sort((a, b) => a.t.localeCompare(b.t));
  }

  private async sums(q: OeeQuery, g: Grouping, withMachines = true) {
    const params: unknown[] = [q.from, q.to];
    let filter = '';
    if (q.site) filter += ` AND site = $${params.push(q.site)}`;
    if (q.line) filter += ` AND line = $${params.push(q.line)}`;
    const keyCols = g.sql.map((_, i) => `k${i}`);
    // Whole days from the daily rollups, whole hours from the hourly ones, the
    // ragged ends from minutes. Nothing is stored past now, and the writer
    // keeps the current hour and day up to date, so a window that reaches now
    // reads its end from the coarse rows too.
    const to = q.to.getTime() >= this.now() ? Math.ceil(q.to.getTime() / g.stepMs) * g.stepMs : q.to.getTime();
    // Daily rows are few: read them by the filter. Hourly and minute rows
    // span less than a day at each end of a window: for one line they are
    // read per machine (range scans on the primary key (site, line, machine,
    // bucket)); for a site or the plant, by time (the bucket index), since
    // per-machine reads then touch one heap page per row.
    const rollupParams = [...params];
    const cols = Object.values(SUM_COLUMNS).map(c => `r.${c}`).join(', ');
    const by = (alias: string) =>
      `${q.site ? ` AND ${alias}.site = $3` : ''}${q.line ? ` AND ${alias}.line = $${q.site ? 4 : 3}` : ''}`;
    const parts = rollupSegments(q.from.getTime(), to, g.stepMs).map(({ table, ranges }) => {
      const where = ranges
        .map(([a, b]) => `(r.bucket >= $${rollupParams.push(new Date(a))} AND r.bucket < $${rollupParams.push(new Date(b))})`)
        .join(' OR ');
      return table === 'plant_rollup_day' || !q.line
        ? `SELECT r.site, r.line, r.machine, r.bucket, ${cols} FROM ${table} r WHERE (${where})${by('r')}`
        : `SELECT pm.site, pm.line, pm.machine, r.bucket, ${cols} FROM plant_machine pm CROSS JOIN LATERAL
             (SELECT r.bucket, ${cols} FROM ${table} r
              WHERE r.site = pm.site AND r.line = pm.line AND r.machine = pm.machine AND (${where})) r
           WHERE true${by('pm')}`;
    });
    let spanJoin = '';
    if (g.spans) {
      const list = [...g.spans].flatMap(([site, spans]) => spans.map(sp => ({ site, ...sp })));
      const [a, b, c, d] = [
        rollupParams.push(list.map(x => x.site)), rollupParams.push(list.map(x => new Date(x.start))),
        rollupParams.push(list.map(x => new Date(x.end))), rollupParams.push(list.map(x => x.label)),
      ];
      spanJoin = ` JOIN unnest($${a}::text[], $${b}::timestamptz[], $${c}::timestamptz[], $${d}::text[])
        AS s(span_site, span_start, span_end, span_label)
        ON s.span_site = r.site AND r.bucket >= s.span_start AND r.bucket < s.span_end`;
    }
    const groups = new Map<string, { key: string[]; sums: Sums; machines: Set<string> }>();
    const groupFor = (key: string[]) => {
      const k = key.join('\u0000');
      let entry = groups.get(k);
      if (!entry) {
        entry = { key, sums: { ...ZERO_SUMS }, machines: new Set() };
        groups.set(k, entry);
      }
      return entry;
    };
    if (parts.length > 0) {
      const from = `FROM (${parts.join(' UNION ALL ')}) r${spanJoin}
               WHERE $1::timestamptz IS NOT NULL AND $2::timestamptz IS NOT NULL`;
      const rollupSums = SUM_NAMES.map(n => `sum(r.${SUM_COLUMNS[n]}) AS ${n}`).join(', ');
      // A trend needs no machine list: one aggregate. Otherwise per machine
      // first, so the list comes without a DISTINCT sort.
      const rows = await this.pool.query(
        withMachines
          ? `SELECT ${keyCols.join(', ')}, array_agg(id) AS machines, ${SUM_NAMES.map(n => `sum(${n}) AS ${n}`).join(', ')}
             FROM (SELECT ${g.sql.join(', ')}, site || '/' || line || '/' || machine AS id, ${rollupSums}
                   ${from} GROUP BY ${keyCols.join(', ')}, site, line, machine) m
             GROUP BY ${keyCols.join(', ')}`
          : `SELECT ${g.sql.join(', ')}, ${rollupSums} ${from} GROUP BY ${keyCols.join(', ')}`,
        rollupParams,
      );
      for (const r of rows.rows) {
        const entry = groupFor(keyCols.map(c => String(r[c])));
        for (const f of SUM_NAMES) entry.sums[f] += Number(r[f] ?? 0);
        for (const m of (r.machines ?? []) as string[]) entry.machines.add(m);
      }
    }
    // The open interval of each machine's current state, up to now.
    const open = await this.pool.query<Machine>(
      `SELECT site, line, machine, state, state_since FROM plant_machine
       WHERE state IS NOT NULL AND state_since < $2 AND $1::timestamptz IS NOT NULL${filter}`,
      params,
    );
    const end = Math.min(this.now(), q.to.getTime());
    for (const m of open.rows) {
      const from = Math.max(m.state_since.getTime(), q.from.getTime());
      if (from >= end) continue;
      const col = columnFor(m.state, (end - m.state_since.getTime()) / 1000, this.options.microStopSeconds);
      for (const [bucket, s] of splitBy(from, end, g.stepMs)) {
        const key = g.js(m, bucket);
        if (!key) continue; // outside every shift
        const entry = groupFor(key);
        entry.sums[COLUMN_TO_SUM[col]] += s;
        entry.machines.add(`${m.site}/${m.line}/${m.machine}`);
      }
    }
    return groups;
  }
}

/**
 * Splits [from, to) over the rollup tables: the coarsest table whose buckets
 * fit inside and are no longer than `maxStepMs` takes the aligned middle, the
 * next finer one the ends, down to minutes (a minute bucket counts when it
 * starts inside the window).
 */
export function rollupSegments(from: number, to: number, maxStepMs: number) {
  const tables = ROLLUP_TABLES.filter(t => t.stepMs <= maxStepMs).reverse();
  const out: { table: string; ranges: [number, number][] }[] = [];
  let pending: [number, number][] = [[from, to]];
  tables.forEach(({ table, stepMs }, i) => {
    const finest = i === tables.length - 1;
    const ranges: [number, number][] = [];
    const rest: [number, number][] = [];
    for (const [lo, hi] of pending) {
      if (hi <= lo) continue;
      if (finest) {
        ranges.push([lo, hi]);
        continue;
      }
      const a = Math.ceil(lo / stepMs) * stepMs;
      const b = Math.floor(hi / stepMs) * stepMs;
      if (a >= b) {
        rest.push([lo, hi]);
        continue;
      }
      ranges.push([a, b]);
      rest.push([lo, a], [b, hi]);
    }
    if (ranges.length > 0) out.push({ table, ranges });
    pending = rest;
  });
  return out;
}

/** Seconds of [from, to) in each bucket of `stepMs` (keyed by the bucket's start). */
function splitBy(from: number, to: number, stepMs: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let t = from; t < to;) {
    const bucket = Math.floor(t / stepMs) * stepMs;
    const end = Math.min(bucket + stepMs, to);
    out.set(bucket, (out.get(bucket) ?? 0) + (end - t) / 1000);
    t = end;
  }
  return out;
}

interface Grouping {
  /** The coarsest rollup bucket that still falls in one group. */
  stepMs: number;
  sql: string[];
  js: (m: Machine, bucketMs: number) => string[] | undefined;
  /** Shift spans per site, joined in SQL as `s` (span_label). */
  spans?: Map<string, ShiftSpan[]>;
  key: (k: string[]) => Record<string, string>;
}

interface Machine {
  site: string; line: string; machine: string; state: MachineState; state_since: Date;
}

function toGroup(key: OeeGroup['key'], s: Sums, machines: number): OeeGroup {
  const elements: OeeElements = {
    time: {
      ...ZERO_TIME_ELEMENTS,
      noShiftTime: s.no_shift,
      plannedDowntime: s.planned,
      setupTime: s.setup,
      faultTime: s.fault,
      idleTime: s.idle,
      microStopTime: s.micro,
      executingTime: s.executing,
    },
    production: {
      produced: s.produced,
      good: s.good,
      // Start-up rejects are known when the source counts them apart (telemetry startupReject).
      startupRejects: s.startup,
      productionRejects: s.produced - s.good - s.startup,
      idealTimeProduced: s.ideal,
      idealTimeGood: s.ideal_good,
      idealTimeStartupRejects: s.ideal_startup,
      idealTimeProductionRejects: withoutRounding(s.ideal - s.ideal_good - s.ideal_startup),
    },
  };
  return { key, machines, elements, result: computeOee(elements), losses: sixBigLosses(elements) };
}


/** Groups by the shifts of each machine's site; time outside every shift is left out. */
function spanGrouping(spans: Map<string, ShiftSpan[]>): Grouping {
  const aligned = [...spans.values()].every(list => list.every(sp => sp.start % HOUR_MS === 0 && sp.end % HOUR_MS === 0));
  return {
    stepMs: aligned ? HOUR_MS : 60_000,
    spans,
    sql: ['s.span_label AS k0'],
    js: (m: Machine, ms: number) => {
      const sp = spans.get(m.site)?.find(x => x.start <= ms && ms < x.end);
      return sp ? [sp.label] : undefined;
    },
    key: (k: string[]) => ({ shift: k[0] }),
  };
}

/** The default calendar's spans: three shifts of 8 h a day from `firstShiftStartHourUtc`, UTC. */
function defaultSpans(shifts: ShiftCalendar, from: number, to: number): ShiftSpan[] {
  const offset = shifts.firstShiftStartHourUtc * HOUR_MS;
  const out: ShiftSpan[] = [];
  for (let n = Math.floor((from - offset) / 28_800_000); n * 28_800_000 + offset < to; n++) {
    const start = n * 28_800_000 + offset;
    const name = shifts.names[((n % 3) + 3) % 3];
    out.push({ name, label: `${new Date(start).toISOString().slice(0, 10)} ${name}`, start, end: start + 28_800_000 });
  }
  return out;
}
