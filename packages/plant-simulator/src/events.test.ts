import {
  parseTelemetryEvent,
  TELEMETRY_EVENT_TYPES,
} from '@plantops/backstage-plugin-plant-common';
import { PlantEvent } from './events';
import { PlantSimulator } from './simulator';

// Monday 06:00 in Berlin (UTC+1): the early shift starts.
const START = '2025-03-03T05:00:00.000Z';

/**
 * The first event the official schema rejects, with the reason, or undefined.
 * Both the object and its JSON (what Kafka carries) must pass: an undefined
 * field survives as a key in the object but not in JSON.
 */
function firstInvalid(events: PlantEvent[]) {
  for (const event of events) {
    for (const [form, value] of [
      ['object', event],
      ['json', JSON.stringify(event)],
    ] as const) {
      const result = parseTelemetryEvent(value);
      if (!result.ok) return { form, reason: result.reason, event };
    }
  }
  return undefined;
}

function run(sim: PlantSimulator, ticks: number, secondsPerTick: number) {
  const events: PlantEvent[] = [];
  for (let i = 0; i < ticks; i++) events.push(...sim.advance(secondsPerTick));
  return events;
}

describe('simulator events against the official telemetry schema', () => {
  it('every event of an 8 h shift passes parseTelemetryEvent', () => {
    const sim = new PlantSimulator({ seed: 11, startTime: START });
    const events = run(sim, 480, 60);
    expect(events.length).toBeGreaterThan(10_000);
    expect(firstInvalid(events)).toBeUndefined();

    // The shift exercises every kind the simulator emits...
    const types = new Set(events.map(e => e.type));
    expect([...types].sort()).toEqual(
      ['andon', 'counters', 'idealCycleTime', 'machineState'].sort(),
    );
    expect(TELEMETRY_EVENT_TYPES).toEqual(expect.arrayContaining([...types]));
    const andon = events.filter(e => e.type === 'andon');
    expect(new Set(andon.map(e => e.type === 'andon' && e.action))).toEqual(
      new Set(['raised', 'acknowledged', 'cleared']),
    );
    // ...and faults stay OutOfService: the schema's Fault is never emitted.
    const states = new Set(
      events.flatMap(e => (e.type === 'machineState' ? [e.state] : [])),
    );
    expect(states).toContain('OutOfService');
    expect(states).not.toContain('Fault');
    for (const e of andon) {
      expect(e.type === 'andon' && e.station).toBe(e.machine);
    }
  });

  it('every event of a fault injection passes, raise to clear', () => {
    const sim = new PlantSimulator({ seed: 4, startTime: START });
    sim.advance(1800);
    // One long enough to be acknowledged (> 30 s), one too short for that.
    sim.injectFault('ms5-plant-berlin', 'line-1', 'filler', 600);
    sim.injectFault('ms5-plant-berlin', 'line-3', 'seamer', 20);
    const events = run(sim, 20, 60);
    const injected = events.filter(
      e =>
        e.type === 'andon' &&
        e.reason === 'injected fault' &&
        e.machine === 'filler',
    );
    expect(injected.map(e => e.type === 'andon' && e.action)).toEqual([
      'raised',
      'acknowledged',
      'cleared',
    ]);
    expect(firstInvalid(events)).toBeUndefined();

    sim.advance(3 * 3600 - 3000); // into the 09:00 local break
    sim.injectFault('ms5-plant-berlin', 'line-2', 'capper', 120);
    const duringBreak = run(sim, 5, 60);
    expect(duringBreak.some(e => e.machine === 'capper')).toBe(true);
    expect(firstInvalid(duringBreak)).toBeUndefined();
  });

  it('every event of a counter reset passes, the zero reading included', () => {
    const sim = new PlantSimulator({ seed: 21, startTime: START });
    sim.advance(3600);
    sim.resetCounters('ms5-plant-berlin', 'line-2');
    const reset = sim.advance(0);
    expect(reset).toHaveLength(3);
    expect(reset.every(e => e.type === 'counters' && e.total === 0)).toBe(true);
    sim.resetCounters(); // the whole plant
    const events = [...reset, ...sim.advance(0), ...run(sim, 30, 60)];
    expect(firstInvalid(events)).toBeUndefined();
  });

  it('the check itself catches a provisional-shape event, naming the field', () => {
    const legacy = {
      schemaVersion: 1,
      type: 'idealCycleTime',
      site: 's',
      line: 'l',
      machine: 'm',
      sourceTimestamp: START,
      eventId: 's/l/m/1',
      product: 'p',
      seconds: 1,
    } as unknown as PlantEvent;
    expect(firstInvalid([legacy])?.reason).toMatch(
      /productId: required string missing/,
    );
  });
});
