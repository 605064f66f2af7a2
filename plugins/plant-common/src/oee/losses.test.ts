import { oeeElements } from './elements';
import { sixBigLosses } from './losses';
import { ZERO_TIME_ELEMENTS, timeElementsFromIntervals } from './timeElements';
import { computeOee } from './computeOee';

const MIN = 60_000;

describe('sixBigLosses', () => {
  it('splits the classic vector into its losses in minutes', () => {
    // 480 min shift, 60 min breaks, 47 min fault, ideal 1 s, 19,271 made, 423 rejects
    const time = timeElementsFromIntervals([
      { state: 'Executing', start: 0, end: 480 * MIN },
      { state: 'PlannedDowntime', start: 0, end: 60 * MIN },
      { state: 'Fault', start: 100 * MIN, end: 147 * MIN },
    ]);
    const elements = oeeElements(time, [
      {
        idealCycleTime: 1,
        produced: 19_271,
        startupRejects: 0,
        productionRejects: 423,
      },
    ]);
    const l = sixBigLosses(elements);
    expect(l.plannedBusyTime).toBe(420);
    expect(l.breakdowns).toBe(47);
    expect(l.setupAdjustments).toBe(0);
    expect(l.smallStops).toBe(0);
    // 373 min executing − 19,271 s ideal = 22,380 s − 19,271 s = 3,109 s
    expect(l.reducedSpeed).toBeCloseTo(3109 / 60, 10);
    expect(l.productionRejects).toBeCloseTo(7.05, 10);
    expect(l.startupRejects).toBe(0);
    expect(l.fullyProductiveTime).toBeCloseTo(18_848 / 60, 10);
    const lost =
      l.breakdowns +
      l.setupAdjustments +
      l.smallStops +
      l.reducedSpeed +
      l.productionRejects +
      l.startupRejects;
    expect(l.plannedBusyTime - lost).toBeCloseTo(l.fullyProductiveTime, 10);
    expect(computeOee(elements).oee! * l.plannedBusyTime).toBeCloseTo(
      l.fullyProductiveTime,
      10,
    );
  });

  it('puts each time element and reject kind in its own loss', () => {
    const elements = oeeElements(
      {
        ...ZERO_TIME_ELEMENTS,
        setupTime: 1200,
        faultTime: 2400,
        idleTime: 600,
        microStopTime: 600,
        executingTime: 22_200,
        plannedDowntime: 1800,
      },
      [
        {
          idealCycleTime: 2,
          produced: 10_000,
          startupRejects: 100,
          productionRejects: 200,
        },
      ],
    );
    expect(sixBigLosses(elements)).toEqual({
      breakdowns: 50,
      setupAdjustments: 20,
      smallStops: 10,
      reducedSpeed: (22_200 - 20_000) / 60,
      productionRejects: 400 / 60,
      startupRejects: 200 / 60,
      plannedBusyTime: 450,
      fullyProductiveTime: 19_400 / 60,
    });
  });

  it('shows speed above ideal as a negative reduced-speed loss', () => {
    const l = sixBigLosses(
      oeeElements({ ...ZERO_TIME_ELEMENTS, executingTime: 3600 }, [
        {
          idealCycleTime: 2,
          produced: 2000,
          startupRejects: 0,
          productionRejects: 0,
        },
      ]),
    );
    expect(l.reducedSpeed).toBeCloseTo(-400 / 60, 10);
  });

  it('throws on invalid elements, naming the field', () => {
    expect(() =>
      sixBigLosses(oeeElements({ ...ZERO_TIME_ELEMENTS, setupTime: -1 }, [])),
    ).toThrow('time.setupTime: must be >= 0, got -1');
  });
});
