/**
 * The plant model: sites → lines → machines, as a plain config object.
 */

/** A product a machine can run, with its ideal cycle time (seconds per part). */
export interface ProductConfig {
  id: string;
  idealCycleTimeS: number;
}

/** How a machine behaves; every field has a default (DEFAULT_BEHAVIOUR). */
export interface MachineBehaviour {
  /** Mean executing time between two stops (exponential), seconds. */
  meanRunS: number;
  /** Share of stops that are faults; the rest are micro-stops. */
  faultShare: number;
  /** Micro-stop duration range, seconds (kept under 120 s). */
  microStopS: [number, number];
  /** Fault duration range, seconds. */
  faultS: [number, number];
  /** Operator acknowledges a fault after this many seconds (range). */
  ackS: [number, number];
  /** Actual rate / ideal rate while executing, drawn per run. */
  performance: [number, number];
  /** Reject probability per part in steady production. */
  rejectRate: number;
  /** Reject probability per part during start-up after a changeover. */
  startupRejectRate: number;
  /** Start-up window after a changeover, in seconds of ideal production. */
  startupS: number;
  /** Executing time between changeovers, seconds. */
  changeoverEveryS: number;
  /** Changeover (Setup) duration range, seconds. */
  setupS: [number, number];
}

export interface MachineConfig {
  name: string;
  /** Products in changeover order; the first one runs at start. */
  products: ProductConfig[];
  behaviour?: Partial<MachineBehaviour>;
}

export interface LineConfig {
  name: string;
  machines: MachineConfig[];
}

export interface BreakConfig {
  /** Local clock time, HH:MM. */
  start: string;
  minutes: number;
}

export interface ShiftConfig {
  name: string;
  /** Local clock time, HH:MM. A shift may run past midnight (end <= start). */
  start: string;
  end: string;
  breaks?: BreakConfig[];
}

export interface ShiftCalendarConfig {
  /** Site local time = UTC + this offset (a fixed offset: no DST). */
  utcOffsetMinutes: number;
  /** Days a shift may start on, 0 = Sunday … 6 = Saturday. Default: every day. */
  workdays?: number[];
  shifts: ShiftConfig[];
}

export interface SiteConfig {
  name: string;
  calendar: ShiftCalendarConfig;
  lines: LineConfig[];
}

export interface PlantConfig {
  sites: SiteConfig[];
}

export const DEFAULT_BEHAVIOUR: MachineBehaviour = {
  meanRunS: 900,
  faultShare: 0.12,
  microStopS: [5, 115],
  faultS: [180, 1500],
  ackS: [15, 90],
  performance: [0.9, 0.98],
  rejectRate: 0.01,
  startupRejectRate: 0.08,
  startupS: 600,
  changeoverEveryS: 4 * 3600,
  setupS: [900, 1800],
};

// Builds a line whose machines all run the line's products, each machine at
// its own multiple of the line's base cycle time (a case packer packs 12).
function line(
  name: string,
  products: Array<[string, number]>,
  machines: Array<[string, number]>,
): LineConfig {
  return {
    name,
    machines: machines.map(([machine, factor]) => ({
      name: machine,
      products: products.map(([id, baseS]) => ({
        id,
        idealCycleTimeS: Math.round(baseS * factor * 1000) / 1000,
      })),
    })),
  };
}

const threeShifts: ShiftConfig[] = [
  {
    name: 'early',
    start: '06:00',
    end: '14:00',
    breaks: [
      { start: '09:00', minutes: 15 },
      { start: '11:30', minutes: 30 },
    ],
  },
  {
    name: 'late',
    start: '14:00',
    end: '22:00',
    breaks: [
      { start: '17:00', minutes: 15 },
      { start: '19:30', minutes: 30 },
    ],
  },
  {
    name: 'night',
    start: '22:00',
    end: '06:00',
    breaks: [
      { start: '01:00', minutes: 15 },
      { start: '03:30', minutes: 30 },
    ],
  },
];

/** The built-in demo plant: 2 sites, 5 lines, 18 machines. */
export function defaultPlant(): PlantConfig {
  return {
    sites: [
      {
        name: 'ms5-plant-berlin',
        calendar: {
          utcOffsetMinutes: 60,
          workdays: [1, 2, 3, 4, 5, 6],
          shifts: threeShifts,
        },
        lines: [
          line(
            'line-1',
            [
              ['water-still-500ml', 0.5],
              ['water-sparkling-500ml', 0.55],
            ],
            [
              ['filler', 1],
              ['capper', 0.95],
              ['labeler', 0.97],
              ['case-packer', 12],
            ],
          ),
          line(
            'line-2',
            [
              ['juice-orange-1l', 1],
              ['juice-apple-1l', 1.1],
            ],
            [
              ['filler', 1],
              ['capper', 0.9],
              ['labeler', 0.95],
            ],
          ),
          line(
            'line-3',
            [
              ['cola-330ml-can', 0.25],
              ['lemonade-330ml-can', 0.25],
            ],
            [
              ['filler', 1],
              ['seamer', 0.96],
              ['pasteurizer', 0.98],
              ['case-packer', 24],
            ],
          ),
        ],
      },
      {
        name: 'ms5-plant-monterrey',
        calendar: {
          utcOffsetMinutes: -360,
          workdays: [1, 2, 3, 4, 5],
          shifts: threeShifts.slice(0, 2),
        },
        lines: [
          line(
            'line-1',
            [
              ['water-still-1500ml', 0.8],
              ['water-still-600ml', 0.55],
            ],
            [
              ['filler', 1],
              ['capper', 0.95],
              ['labeler', 0.97],
              ['palletizer', 60],
            ],
          ),
          line(
            'line-2',
            [
              ['tea-peach-500ml', 0.6],
              ['tea-lemon-500ml', 0.6],
            ],
            [
              ['filler', 1],
              ['capper', 0.92],
              ['labeler', 0.96],
            ],
          ),
        ],
      },
    ],
  };
}

// Names end up in NodeIds (dot separated) and event ids (slash separated).
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Minutes after local midnight of an HH:MM string. */
export function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

function checkName(kind: string, name: string, where: string) {
  if (!NAME.test(name ?? '')) {
    throw new Error(
      `${where}: ${kind} name "${name}" is invalid; use letters, digits, "-" and "_" (no dots or slashes)`,
    );
  }
}

function checkUnique(kind: string, names: string[], where: string) {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`${where}: duplicate ${kind} name "${n}"`);
    seen.add(n);
  }
}

function checkRange(r: [number, number], field: string, where: string) {
  if (!(r[0] >= 0 && r[1] >= r[0])) {
    throw new Error(
      `${where}: behaviour.${field} must be [min, max] with 0 <= min <= max`,
    );
  }
}

/** Throws an error naming the bad field when the config cannot be simulated. */
export function validatePlant(plant: PlantConfig): void {
  if (!plant?.sites?.length) throw new Error('plant: needs at least one site');
  checkUnique(
    'site',
    plant.sites.map(s => s.name),
    'plant',
  );
  for (const site of plant.sites) {
    checkName('site', site.name, 'plant');
    const cal = site.calendar;
    if (!cal || !Array.isArray(cal.shifts)) {
      throw new Error(
        `${site.name}: calendar.shifts is required (may be empty)`,
      );
    }
    for (const shift of cal.shifts) {
      const w = `${site.name}: shift "${shift.name}"`;
      if (!CLOCK.test(shift.start) || !CLOCK.test(shift.end)) {
        throw new Error(`${w}: start and end must be HH:MM`);
      }
      const start = clockMinutes(shift.start);
      let end = clockMinutes(shift.end);
      if (end <= start) end += 24 * 60;
      for (const b of shift.breaks ?? []) {
        if (!CLOCK.test(b.start) || !(b.minutes > 0)) {
          throw new Error(`${w}: a break needs start HH:MM and minutes > 0`);
        }
        let bs = clockMinutes(b.start);
        if (bs < start) bs += 24 * 60;
        if (bs + b.minutes > end) {
          throw new Error(
            `${w}: break at ${b.start} does not fit inside the shift`,
          );
        }
      }
    }
    if (!site.lines?.length)
      throw new Error(`${site.name}: needs at least one line`);
    checkUnique(
      'line',
      site.lines.map(l => l.name),
      site.name,
    );
    for (const l of site.lines) {
      checkName('line', l.name, site.name);
      const where = `${site.name}/${l.name}`;
      if (!l.machines?.length)
        throw new Error(`${where}: needs at least one machine`);
      checkUnique(
        'machine',
        l.machines.map(m => m.name),
        where,
      );
      for (const m of l.machines) {
        checkName('machine', m.name, where);
        const mw = `${where}/${m.name}`;
        if (!m.products?.length)
          throw new Error(`${mw}: needs at least one product`);
        for (const p of m.products) {
          if (!p.id) throw new Error(`${mw}: a product needs an id`);
          if (!(p.idealCycleTimeS > 0)) {
            throw new Error(
              `${mw}: product "${p.id}" needs idealCycleTimeS > 0`,
            );
          }
        }
        const b = { ...DEFAULT_BEHAVIOUR, ...m.behaviour };
        if (!(b.meanRunS > 0))
          throw new Error(`${mw}: behaviour.meanRunS must be > 0`);
        if (!(b.faultShare >= 0 && b.faultShare <= 1)) {
          throw new Error(`${mw}: behaviour.faultShare must be within [0, 1]`);
        }
        for (const f of [
          'microStopS',
          'faultS',
          'ackS',
          'performance',
          'setupS',
        ] as const) {
          checkRange(b[f], f, mw);
        }
      }
    }
  }
}
