import type { Pool } from 'pg';
import {
  computeOee,
  OeeElements,
  OeeResult,
  SixBigLosses,
  sixBigLosses,
  ZERO_TIME_ELEMENTS,
} from '@plantops/backstage-plugin-plant-common';
import { columnFor } from '../ingest/RollupWriter';
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
    private readonly options: { microStopSeconds: number; shifts?: ShiftCalendar; now?: () => number } = { microStopSeconds: 120 },
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /** SQL and JS forms of one grouping, kept side by side so they agree. */
  private grouping(groupBy: GroupBy | { resolution: Resolution }): Grouping {
    const shifts = this.options.shifts ?? DEFAULT_SHIFTS;
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
      default: {
        const offset = shifts.firstShiftStartHourUtc * 3600;
        return {
          stepMs: offset % 3600 === 0 ? HOUR_MS : 60_000,
          sql: [`floor((extract(epoch FROM bucket) - ${offset}) / 28800)::bigint AS k0`],
          js: (_m: Machine, ms: number) => [String(Math.floor((ms / 1000 - offset) / 28800))],
          key: (k: string[]) => {
            const n = Number(k[0]);
            const start = new Date((n * 28800 + offset) * 1000).toISOString();
            return { shift: `${start.slice(0, 10)} ${shifts.names[((n % 3) + 3) % 3]}` };
          },
        };
      }
    }
  }

  async oee(q: OeeQuery & { groupBy: GroupBy }): Promise<OeeGroup[]> {
    const g = this.grouping(q.groupBy);
    const groups = await this.sums(q, g);
    return [...groups.values()]
      .map(({ key, sums, machines }) => toGroup(g.key(key), sums, machines.size))
      .sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
  }

  async trend(q: OeeQuery & { resolution: Resolution }) {
    const g = this.grouping({ resolution: q.resolution });
    const groups = await this.sums(q, g);
    return [...groups.values()]
      .map(({ key, sums, machines }) => {
        const { result } = toGroup({}, sums, machines.size);
        const { availability, performance, quality, oee } = result;
        return { t: g.key(key).t, availability, performance, quality, oee };
      })
      .sort((a, b) => a.t.localeCompare(b.t));
  }

  private async sums(q: OeeQuery, g: Grouping) {
    const params: unknown[] = [q.from, q.to];
    let filter = '';
    if (q.site) filter += ` AND site = $${params.push(q.site)}`;
    if (q.line) filter += ` AND line = $${params.push(q.line)}`;
    const keyCols = g.sql.map((_, i) => `k${i}`);
    const rollupParams = params.slice(2);
    const rollupFilter = filter.replace(/\$(\d+)/g, (_, n) => `$${Number(n) - 2}`);
    // Whole days from the daily rollups, whole hours from the hourly ones, the ragged ends from minutes.
    const parts = rollupSegments(q.from.getTime(), q.to.getTime(), g.stepMs).map(({ table, ranges }) => {
      const where = ranges
        .map(([a, b]) => `(bucket >= $${rollupParams.push(new Date(a))} AND bucket < $${rollupParams.push(new Date(b))})`)
        .join(' OR ');
      return `SELECT site, line, machine, bucket, ${Object.values(SUM_COLUMNS).join(', ')}
        FROM ${table} WHERE (${where})${rollupFilter}`;
    });
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
      // Per machine first (a hash aggregate), so the machine list needs no DISTINCT sort.
      const rows = await this.pool.query(
        `SELECT ${keyCols.join(', ')}, array_agg(id) AS machines,
           ${SUM_NAMES.map(n => `sum(${n}) AS ${n}`).join(', ')}
         FROM (SELECT ${g.sql.join(', ')}, site || '/' || line || '/' || machine AS id,
                 ${SUM_NAMES.map(n => `sum(${SUM_COLUMNS[n]}) AS ${n}`).join(', ')}
               FROM (${parts.join(' UNION ALL ')}) r
               GROUP BY ${keyCols.join(', ')}, site, line, machine) m
         GROUP BY ${keyCols.join(', ')}`,
        rollupParams,
      );
      for (const r of rows.rows) {
        const entry = groupFor(keyCols.map(c => String(r[c])));
        for (const f of SUM_NAMES) entry.sums[f] += Number(r[f] ?? 0);
        for (const m of r.machines as string[]) entry.machines.add(m);
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
        const entry = groupFor(g.js(m, bucket));
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
  js: (m: Machine, bucketMs: number) => string[];
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
      idealTimeProductionRejects: s.ideal - s.ideal_good - s.ideal_startup,
    },
  };
  return { key, machines, elements, result: computeOee(elements), losses: sixBigLosses(elements) };
}

/** The window of the shift that contains `now`, in the default calendar. */
export function currentShiftWindow(now: number, shifts: ShiftCalendar = DEFAULT_SHIFTS) {
  const offset = shifts.firstShiftStartHourUtc * 3600_000;
  const start = Math.floor((now - offset) / 28_800_000) * 28_800_000 + offset;
  return { from: new Date(start), to: new Date(start + 28_800_000) };
}
