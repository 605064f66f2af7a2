import { PlantEvent } from './events';
import { defaultPlant, PlantConfig } from './model';
import { PlantSimulator } from './simulator';
import { stateDurations, stateIntervals } from './testUtils';

// Monday 06:00 in Berlin (UTC+1): the early shift starts.
const MONDAY_0600_BERLIN = '2025-03-03T05:00:00.000Z';
const T0 = Date.parse(MONDAY_0600_BERLIN);
const HOUR = 3600_000;

type CounterEvent = Extract<PlantEvent, { type: 'counters' }>;

function run(sim: PlantSimulator, ticks: number, secondsPerTick: number) {
  const events: PlantEvent[] = [];
  for (let i = 0; i < ticks; i++) events.push(...sim.advance(secondsPerTick));
  return events;
}

describe('PlantSimulator', () => {
  describe('determinism', () => {
    it('gives the same events for the same seed, config and ticks', () => {
      const a = new PlantSimulator({ seed: 42, startTime: MONDAY_0600_BERLIN });
      const b = new PlantSimulator({ seed: 42, startTime: MONDAY_0600_BERLIN });
      const ea = run(a, 480, 60);
      const eb = run(b, 480, 60);
      expect(ea.length).toBeGreaterThan(1000);
      expect(eb).toEqual(ea);
      expect(b.snapshot()).toEqual(a.snapshot());
    });

    it('does not depend on how time is sliced into ticks', () => {
      const coarse = new PlantSimulator({
        seed: 3,
        startTime: MONDAY_0600_BERLIN,
      });
      const fine = new PlantSimulator({
        seed: 3,
        startTime: MONDAY_0600_BERLIN,
      });
      const ec = run(coarse, 1, 4 * 3600);
      const ef = run(fine, 4 * 3600, 1);
      expect(ef).toEqual(ec);
    });

    it('gives different events for a different seed', () => {
      const a = run(
        new PlantSimulator({ seed: 1, startTime: MONDAY_0600_BERLIN }),
        60,
        60,
      );
      const b = run(
        new PlantSimulator({ seed: 2, startTime: MONDAY_0600_BERLIN }),
        60,
        60,
      );
      expect(b).not.toEqual(a);
    });

    it('numbers event ids per machine, unique and in sequence', () => {
      const events = run(
        new PlantSimulator({ seed: 5, startTime: MONDAY_0600_BERLIN }),
        120,
        60,
      );
      const ids = events.map(e => e.eventId);
      expect(new Set(ids).size).toBe(ids.length);
      const lastSeq = new Map<string, number>();
      for (const e of events) {
        const key = `${e.site}/${e.line}/${e.machine}`;
        expect(e.eventId.startsWith(`${key}/`)).toBe(true);
        const seq = Number(e.eventId.slice(key.length + 1));
        expect(seq).toBe((lastSeq.get(key) ?? 0) + 1);
        lastSeq.set(key, seq);
      }
    });

    it('returns events in time order, stamped in simulated time', () => {
      const sim = new PlantSimulator({
        seed: 5,
        startTime: MONDAY_0600_BERLIN,
      });
      const events = run(sim, 60, 60);
      const times = events.map(e => Date.parse(e.sourceTimestamp));
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(times[0]).toBe(T0);
      expect(times[times.length - 1]).toBeLessThanOrEqual(T0 + HOUR);
      expect(sim.now.toISOString()).toBe('2025-03-03T06:00:00.000Z');
    });
  });

  it('starts with every machine state, ideal cycle time and counters', () => {
    const sim = new PlantSimulator({ seed: 1, startTime: MONDAY_0600_BERLIN });
    const first = sim.advance(0);
    const machines = sim.snapshot();
    expect(machines).toHaveLength(18);
    for (const type of ['machineState', 'idealCycleTime', 'counters']) {
      expect(first.filter(e => e.type === type)).toHaveLength(18);
    }
    expect(first.find(e => e.type === 'idealCycleTime')).toEqual({
      schemaVersion: 1,
      type: 'idealCycleTime',
      site: 'ms5-plant-berlin',
      line: 'line-1',
      machine: 'filler',
      sourceTimestamp: MONDAY_0600_BERLIN,
      eventId: 'ms5-plant-berlin/line-1/filler/1',
      productId: 'water-still-500ml',
      idealCycleTimeSeconds: 0.5,
    });
    // Berlin is in its early shift, Monterrey (UTC-6) is at 23:00 on Sunday.
    const states = new Map(machines.map(m => [m.site, new Set<string>()]));
    machines.forEach(m => states.get(m.site)!.add(m.state));
    expect([...states.get('ms5-plant-berlin')!]).toEqual(['Executing']);
    expect([...states.get('ms5-plant-monterrey')!]).toEqual(['NoShift']);
    expect(sim.advance(0)).toEqual([]);
  });

  describe('over an 8 h shift', () => {
    const end = T0 + 8 * HOUR;
    let events: PlantEvent[];
    beforeAll(() => {
      events = run(
        new PlantSimulator({ seed: 11, startTime: MONDAY_0600_BERLIN }),
        480,
        60,
      );
    });

    it('is mostly Executing in production time', () => {
      const berlin = [...stateDurations(events, T0, end)].filter(([k]) =>
        k.startsWith('ms5-plant-berlin/'),
      );
      expect(berlin).toHaveLength(11);
      let executing = 0;
      let production = 0;
      for (const [, d] of berlin) {
        const total = Object.values(d).reduce((a, b) => a + b, 0);
        expect(total).toBe(8 * HOUR);
        const prod = total - (d.PlannedDowntime ?? 0) - (d.NoShift ?? 0);
        // Each machine on its own stays plausible...
        expect((d.Executing ?? 0) / prod).toBeGreaterThan(0.45);
        executing += d.Executing ?? 0;
        production += prod;
      }
      // ...and the site as a whole sits between 60 and 95 %.
      expect(executing / production).toBeGreaterThan(0.6);
      expect(executing / production).toBeLessThan(0.95);
      expect(executing / (11 * 8 * HOUR)).toBeGreaterThan(0.6);
    });

    it('has faults, micro-stops under 120 s and changeovers', () => {
      const intervals = stateIntervals(events, end);
      const faults = intervals.filter(i => i.state === 'OutOfService');
      const microStops = intervals.filter(i => i.state === 'Idle');
      const setups = intervals.filter(i => i.state === 'Setup');
      expect(faults.length).toBeGreaterThanOrEqual(5);
      expect(microStops.length).toBeGreaterThanOrEqual(50);
      expect(setups.length).toBeGreaterThanOrEqual(5);
      for (const m of microStops) expect(m.end - m.start).toBeLessThan(120_000);
      // Faults are the long stops: on average several minutes.
      const meanFault =
        faults.reduce((a, f) => a + f.end - f.start, 0) / faults.length;
      expect(meanFault).toBeGreaterThan(180_000);
      // A changeover switches product: a new ideal cycle time follows each setup.
      const changes = events.filter(
        e => e.type === 'idealCycleTime' && Date.parse(e.sourceTimestamp) > T0,
      );
      expect(changes.length).toBeGreaterThanOrEqual(5);
    });

    it('takes breaks exactly at the scheduled times', () => {
      const planned = stateIntervals(events, end).filter(
        i => i.state === 'PlannedDowntime',
      );
      // Berlin breaks: 09:00-09:15 and 11:30-12:00 local = 08:00Z and 10:30Z.
      const breaks = [
        [
          Date.parse('2025-03-03T08:00:00Z'),
          Date.parse('2025-03-03T08:15:00Z'),
        ],
        [
          Date.parse('2025-03-03T10:30:00Z'),
          Date.parse('2025-03-03T11:00:00Z'),
        ],
      ];
      for (const p of planned) {
        expect(p.key.startsWith('ms5-plant-berlin/')).toBe(true);
        expect(breaks.some(([s, e]) => p.start >= s && p.end <= e)).toBe(true);
      }
      for (const [s, e] of breaks) {
        const onTime = planned.filter(p => p.start === s && p.end === e);
        // A machine already down with a fault stays OutOfService instead.
        expect(onTime.length).toBeGreaterThanOrEqual(8);
      }
    });

    it('keeps Monterrey off shift until its 06:00 local start', () => {
      const start = Date.parse('2025-03-03T12:00:00Z'); // 06:00 UTC-6
      const monterrey = stateIntervals(events, end).filter(i =>
        i.key.startsWith('ms5-plant-monterrey/'),
      );
      const noShift = monterrey.filter(i => i.state === 'NoShift');
      expect(noShift).toHaveLength(7);
      for (const n of noShift) expect([n.start, n.end]).toEqual([T0, start]);
      expect(
        monterrey.filter(i => i.start < start && i.state !== 'NoShift'),
      ).toEqual([]);
    });

    it('produces slightly below the ideal rate while Executing', () => {
      // Keep a single machine running: no stops, no changeover.
      const plant: PlantConfig = {
        sites: [
          {
            name: 's',
            calendar: {
              utcOffsetMinutes: 0,
              shifts: [{ name: 'day', start: '00:00', end: '00:00' }],
            },
            lines: [
              {
                name: 'l',
                machines: [
                  {
                    name: 'm',
                    products: [{ id: 'p', idealCycleTimeS: 2 }],
                    behaviour: { meanRunS: 1e9, changeoverEveryS: 1e9 },
                  },
                ],
              },
            ],
          },
        ],
      };
      const one = new PlantSimulator({
        plant,
        seed: 9,
        startTime: MONDAY_0600_BERLIN,
      });
      one.advance(3600);
      const m = one.machine('s', 'l', 'm');
      expect(m.state).toBe('Executing');
      // Ideal: 1800 parts an hour; performance is drawn within 90-98 %.
      expect(m.total).toBeGreaterThanOrEqual(1620);
      expect(m.total).toBeLessThanOrEqual(1764);
      expect(m.good + m.reject).toBe(m.total);
    });
  });

  describe('counters', () => {
    it('are cumulative and monotonic, and total = good + reject', () => {
      const sim = new PlantSimulator({
        seed: 21,
        startTime: MONDAY_0600_BERLIN,
      });
      const events = run(sim, 24 * 60, 60);
      const last = new Map<string, CounterEvent>();
      const broken: string[] = [];
      let checked = 0;
      for (const e of events) {
        if (e.type !== 'counters') continue;
        const key = `${e.site}/${e.line}/${e.machine}`;
        const prev = last.get(key);
        // Plain checks in the loop: tens of thousands of expect() calls are slow.
        if (e.total !== e.good + e.reject)
          broken.push(`${e.eventId}: total != good + reject`);
        if (
          prev &&
          (e.total < prev.total || e.good < prev.good || e.reject < prev.reject)
        ) {
          broken.push(`${e.eventId}: went down from ${prev.eventId}`);
        }
        if (prev) checked++;
        last.set(key, e);
      }
      expect(broken).toEqual([]);
      expect(checked).toBeGreaterThan(10_000);
      const filler = sim.machine('ms5-plant-berlin', 'line-1', 'filler');
      expect(filler.total).toBeGreaterThan(50_000);
      expect(filler.reject / filler.total).toBeGreaterThan(0.005);
      expect(filler.reject / filler.total).toBeLessThan(0.05);
    });

    it('go back to zero on resetCounters and grow again from there', () => {
      const sim = new PlantSimulator({
        seed: 21,
        startTime: MONDAY_0600_BERLIN,
      });
      sim.advance(3600);
      const before = sim.machine('ms5-plant-berlin', 'line-2', 'capper');
      const other = sim.machine('ms5-plant-berlin', 'line-2', 'filler');
      expect(before.total).toBeGreaterThan(0);

      sim.resetCounters('ms5-plant-berlin', 'line-2', 'capper');
      const events = sim.advance(0);
      expect(events).toEqual([
        expect.objectContaining({
          type: 'counters',
          machine: 'capper',
          line: 'line-2',
          total: 0,
          good: 0,
          reject: 0,
          sourceTimestamp: '2025-03-03T06:00:00.000Z',
        }),
      ]);
      expect(sim.machine('ms5-plant-berlin', 'line-2', 'filler').total).toBe(
        other.total,
      );

      const later = sim
        .advance(1800)
        .filter(
          (e): e is CounterEvent =>
            e.type === 'counters' &&
            e.machine === 'capper' &&
            e.line === 'line-2',
        );
      expect(later.length).toBeGreaterThan(0);
      expect(later[later.length - 1].total).toBeGreaterThan(0);
      expect(later[later.length - 1].total).toBeLessThan(before.total);
    });

    it('resets every machine when given no names, and rejects unknown names', () => {
      const sim = new PlantSimulator({
        seed: 2,
        startTime: MONDAY_0600_BERLIN,
      });
      sim.advance(600);
      sim.resetCounters();
      expect(sim.snapshot().every(m => m.total === 0)).toBe(true);
      expect(() => sim.resetCounters('nowhere')).toThrow(
        /no machine matches nowhere/,
      );
    });

    it('rejects more parts just after a changeover (start-up rejects)', () => {
      const sim = new PlantSimulator({
        seed: 8,
        startTime: MONDAY_0600_BERLIN,
      });
      const events = run(sim, 24 * 60, 60);
      const plant = defaultPlant();
      const ict = new Map<string, number>();
      for (const s of plant.sites)
        for (const l of s.lines)
          for (const m of l.machines)
            ict.set(
              `${s.name}/${l.name}/${m.name}`,
              m.products[0].idealCycleTimeS,
            );

      // Counters right at each changeover and once the start-up window is over.
      let startup = { total: 0, reject: 0 };
      const lastCounters = new Map<string, CounterEvent>();
      const windows = new Map<string, { from: CounterEvent; parts: number }>();
      for (const e of events) {
        const key = `${e.site}/${e.line}/${e.machine}`;
        if (e.type === 'idealCycleTime' && lastCounters.has(key)) {
          windows.set(key, {
            from: lastCounters.get(key)!,
            parts: Math.floor(600 / e.idealCycleTimeSeconds),
          });
        }
        if (e.type !== 'counters') continue;
        const w = windows.get(key);
        if (w && e.total - w.from.total > w.parts) {
          const prev = lastCounters.get(key)!;
          startup = {
            total: startup.total + prev.total - w.from.total,
            reject: startup.reject + prev.reject - w.from.reject,
          };
          windows.delete(key);
        }
        lastCounters.set(key, e);
      }
      const all = [...lastCounters.values()].reduce(
        (a, c) => ({ total: a.total + c.total, reject: a.reject + c.reject }),
        { total: 0, reject: 0 },
      );
      expect(startup.total).toBeGreaterThan(10_000);
      const startupRate = startup.reject / startup.total;
      const steadyRate =
        (all.reject - startup.reject) / (all.total - startup.total);
      expect(startupRate).toBeGreaterThan(0.05);
      expect(steadyRate).toBeLessThan(0.02);
    });
  });

  describe('fault injection', () => {
    const [site, line, machine] = ['ms5-plant-berlin', 'line-1', 'filler'];

    it('puts the machine OutOfService with an Andon, then recovers and clears it', () => {
      const sim = new PlantSimulator({
        seed: 4,
        startTime: MONDAY_0600_BERLIN,
      });
      sim.advance(1800);
      sim.injectFault(site, line, machine, 300);
      const at = '2025-03-03T05:30:00.000Z';
      const raised = sim
        .advance(0)
        .filter(e => e.machine === machine && e.line === line);
      expect(raised.map(e => e.type)).toEqual(
        expect.arrayContaining(['machineState', 'andon']),
      );
      expect(raised).toContainEqual(
        expect.objectContaining({
          type: 'machineState',
          state: 'OutOfService',
          sourceTimestamp: at,
        }),
      );
      expect(raised).toContainEqual(
        expect.objectContaining({
          type: 'andon',
          action: 'raised',
          colour: 'red',
          station: machine,
          reason: 'injected fault',
          sourceTimestamp: at,
        }),
      );
      const down = sim.machine(site, line, machine);
      expect(down).toMatchObject({
        state: 'OutOfService',
        andonActive: true,
        andonColour: 'red',
      });

      const during = sim
        .advance(299)
        .filter(e => e.machine === machine && e.line === line);
      expect(during).toContainEqual(
        expect.objectContaining({
          type: 'andon',
          action: 'acknowledged',
          colour: 'red',
        }),
      );
      expect(
        during.some(e => e.type === 'andon' && e.action === 'cleared'),
      ).toBe(false);
      // No parts while down.
      expect(sim.machine(site, line, machine).total).toBe(down.total);

      const after = sim
        .advance(1)
        .filter(e => e.machine === machine && e.line === line);
      const cleared = '2025-03-03T05:35:00.000Z';
      expect(after).toContainEqual(
        expect.objectContaining({
          type: 'andon',
          action: 'cleared',
          colour: 'green',
          sourceTimestamp: cleared,
        }),
      );
      expect(after).toContainEqual(
        expect.objectContaining({
          type: 'machineState',
          state: 'Executing',
          sourceTimestamp: cleared,
        }),
      );
      expect(sim.machine(site, line, machine)).toMatchObject({
        state: 'Executing',
        andonActive: false,
        andonColour: 'green',
      });
      sim.advance(60);
      expect(sim.machine(site, line, machine).total).toBeGreaterThan(
        down.total,
      );
    });

    it('overrides a break, and names the known machines on a typo', () => {
      const sim = new PlantSimulator({
        seed: 4,
        startTime: MONDAY_0600_BERLIN,
      });
      sim.advance(3 * 3600 + 60); // 09:01 local: first break
      const before = sim.machine(site, line, 'capper');
      expect(['PlannedDowntime', 'OutOfService']).toContain(before.state);
      sim.injectFault(site, line, 'capper', 60);
      expect(sim.machine(site, line, 'capper').state).toBe('OutOfService');
      sim.advance(60);
      expect(sim.machine(site, line, 'capper').state).toBe(
        before.state === 'OutOfService' ? 'OutOfService' : 'PlannedDowntime',
      );
      expect(() => sim.injectFault(site, line, 'filer', 60)).toThrow(
        /unknown machine "ms5-plant-berlin\/line-1\/filer".*ms5-plant-berlin\/line-1\/filler/,
      );
    });
  });

  it('rejects a config it cannot simulate, naming the field', () => {
    const plant = defaultPlant();
    plant.sites[0].lines[0].machines[0].name = 'fill.er';
    expect(() => new PlantSimulator({ plant })).toThrow(
      /machine name "fill.er" is invalid/,
    );
    const plant2 = defaultPlant();
    plant2.sites[1].lines[1].name = plant2.sites[1].lines[0].name;
    expect(() => new PlantSimulator({ plant: plant2 })).toThrow(
      /duplicate line name "line-1"/,
    );
    const plant3 = defaultPlant();
    plant3.sites[0].lines[0].machines[1].products[0].idealCycleTimeS = 0;
    expect(() => new PlantSimulator({ plant: plant3 })).toThrow(
      /idealCycleTimeS > 0/,
    );
  });
});
