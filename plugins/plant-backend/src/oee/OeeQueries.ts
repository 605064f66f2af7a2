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
import { splitByMinute } from '../ingest/buckets';
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

const SUMS = `sum(executing_s) AS executing, sum(idle_s) AS idle, sum(fault_s) AS fault,
  sum(micro_stop_s) AS micro, sum(setup_s) AS setup, sum(planned_downtime_s) AS planned,
  sum(no_shift_s) AS no_shift, sum(produced) AS produced, sum(good) AS good, sum(reject) AS reject,
  sum(ideal_s) AS ideal, sum(ideal_good_s) AS ideal_good`;

interface Sums {
  executing: number; idle: number; fault: number; micro: number; setup: number; planned: number;
  no_shift: number; produced: number; good: number; reject: number; ideal: number; ideal_good: number;
}
const ZERO_SUMS: Sums = {
  executing: 0, idle: 0, fault: 0, micro: 0, setup: 0, planned: 0, no_shift: 0,
  produced: 0, good: 0, reject: 0, ideal: 0, ideal_good: 0,
};
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
        sql: [`floor(extract(epoch FROM bucket) / ${step})::bigint AS k0`],
        js: (_m: Machine, ms: number) => [String(Math.floor(ms / 1000 / step))],
        key: (k: string[]) => ({ t: new Date(Number(k[0]) * step * 1000).toISOString() }),
      };
    }
    switch (groupBy) {
      case 'machine':
        return {
          sql: ['site AS k0', 'line AS k1', 'machine AS k2'],
          js: (m: Machine) => [m.site, m.line, m.machine],
          key: (k: string[]) => ({ site: k[0], line: k[1], machine: k[2] }),
        };
      case 'line':
        return {
          sql: ['site AS k0', 'line AS k1'],
          js: (m: Machine) => [m.site, m.line],
          key: (k: string[]) => ({ site: k[0], line: k[1] }),
        };
      case 'site':
        return { sql: ['site AS k0'], js: (m: Machine) => [m.site], key: (k: string[]) => ({ site: k[0] }) };
      case 'day':
        return {
          sql: ['floor(extract(epoch FROM bucket) / 86400)::bigint AS k0'],
          js: (_m: Machine, ms: number) => [String(Math.floor(ms / 86_400_000))],
          key: (k: string[]) => ({ day: new Date(Number(k[0]) * 86_400_000).toISOString().slice(0, 10) }),
        };
      default: {
        const offset = shifts.firstShiftStartHourUtc * 3600;
        return {
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
    const rows = await this.pool.query(
      `SELECT ${g.sql.join(', ')}, array_agg(DISTINCT site || '/' || line || '/' || machine) AS machines, ${SUMS}
       FROM plant_rollup_minute WHERE bucket >= $1 AND bucket < $2${filter}
       GROUP BY ${keyCols.join(', ')}`,
      params,
    );
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
    for (const r of rows.rows) {
      const entry = groupFor(keyCols.map(c => String(r[c])));
      for (const f of Object.keys(ZERO_SUMS) as (keyof Sums)[]) entry.sums[f] += Number(r[f] ?? 0);
      for (const m of r.machines as string[]) entry.machines.add(m);
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
      for (const [bucket, s] of splitByMinute(from, end)) {
        const entry = groupFor(g.js(m, bucket));
        entry.sums[COLUMN_TO_SUM[col]] += s;
        entry.machines.add(`${m.site}/${m.line}/${m.machine}`);
      }
    }
    return groups;
  }
}

interface Grouping {
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
      startupRejects: 0,
      productionRejects: s.produced - s.good,
      idealTimeProduced: s.ideal,
      idealTimeGood: s.ideal_good,
      idealTimeStartupRejects: 0,
      idealTimeProductionRejects: s.ideal - s.ideal_good,
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
