import { SimulationClock } from './clock';
import { PlantEvent } from './events';
import { PlantSimulator } from './simulator';

const START = '2025-03-03T05:00:00.000Z';
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('SimulationClock', () => {
  it('runs simulated time at the speed factor, and setSpeed changes it', async () => {
    const sim = new PlantSimulator({ seed: 1, startTime: START });
    const events: PlantEvent[] = [];
    const clock = new SimulationClock(sim, {
      speed: 3600,
      tickMs: 20,
      onStep: e => events.push(...e),
    });

    const outerStart = performance.now();
    clock.start();
    const innerStart = performance.now();
    await sleep(250);
    const innerEnd = performance.now();
    clock.stop(); // stop() takes a last step up to the wall clock
    const outerEnd = performance.now();

    const simMs = sim.now.getTime() - Date.parse(START);
    // An hour per second: 250 ms of wall time is about 15 simulated minutes.
    expect(simMs).toBeGreaterThanOrEqual(
      Math.floor((innerEnd - innerStart) * 3600),
    );
    expect(simMs).toBeLessThanOrEqual(
      Math.ceil((outerEnd - outerStart) * 3600),
    );
    expect(events.filter(e => e.type === 'counters').length).toBeGreaterThan(
      18,
    );
    expect(clock.running).toBe(false);

    // Stopped: no time passes.
    const stoppedAt = sim.now.getTime();
    await sleep(50);
    expect(sim.now.getTime()).toBe(stoppedAt);

    // Real time (speed 1): 200 ms of wall time is about 200 simulated ms.
    clock.setSpeed(1);
    expect(clock.speedFactor).toBe(1);
    const t0 = performance.now();
    clock.start();
    await sleep(200);
    clock.stop();
    const realMs = performance.now() - t0;
    const simMs2 = sim.now.getTime() - stoppedAt;
    expect(simMs2).toBeGreaterThanOrEqual(150);
    expect(simMs2).toBeLessThanOrEqual(Math.ceil(realMs));
  });

  it('rejects a speed that is not a positive number', () => {
    const sim = new PlantSimulator({ startTime: START });
    expect(
      () => new SimulationClock(sim, { speed: 0, onStep: () => {} }),
    ).toThrow(/positive number/);
    const clock = new SimulationClock(sim, { onStep: () => {} });
    expect(() => clock.setSpeed(-1)).toThrow(/positive number, got -1/);
  });
});
