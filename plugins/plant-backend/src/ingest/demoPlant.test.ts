import {
  isProductionLineEntity,
  isSiteEntity,
  parseTelemetryEvent,
} from '@plantops/backstage-plugin-plant-common';
import { PlantSimulator, validatePlant } from '@plantops/plant-simulator';
import { demoSiteEntities } from '../testing/demoEntities';
import { plantFromEntities, utcOffsetMinutes } from './demoPlant';

describe('plantFromEntities', () => {
  const entities = demoSiteEntities();
  const winter = new Date('2026-11-25T12:00:00Z');
  const plant = plantFromEntities(entities.filter(isSiteEntity), entities.filter(isProductionLineEntity), winter);

  it('simulates every catalog Site with its lines and machines', () => {
    expect(plant.sites.map(s => [s.name, s.lines.map(l => l.name)])).toEqual([
      ['ms5-plant-a', ['ms5-plant-a-filling', 'ms5-plant-a-packaging']],
      ['iip-plant-b', ['iip-plant-b-machining']],
    ]);
    const filling = plant.sites[0].lines[0];
    expect(filling.machines.map(m => [m.name, m.products[0].idealCycleTimeS])).toEqual([
      ['filler', 0.5],
      ['capper', 0.45],
      ['labeller', 0.4],
    ]);
  });

  it('takes the shift calendar and time zone of each site', () => {
    const a = plant.sites[0].calendar;
    expect(a.utcOffsetMinutes).toBe(60); // Europe/Berlin in November
    expect(a.shifts.map(s => s.name)).toEqual(['early', 'late', 'night']);
    expect(a.shifts[0].breaks).toEqual([
      { start: '09:00', minutes: 15 },
      { start: '11:30', minutes: 30 },
    ]);
    expect(a.workdays).toEqual([0, 1, 2, 3, 4, 5]); // night shifts start on Sunday
    expect(plant.sites[1].calendar.utcOffsetMinutes).toBe(-360); // America/Chicago
  });

  it('is a plant the simulator accepts, producing valid telemetry', () => {
    expect(() => validatePlant(plant)).not.toThrow();
    const events = new PlantSimulator({ plant, seed: 7, startTime: Date.parse('2026-11-25T06:00:00Z') }).advance(3600);
    expect(events.length).toBeGreaterThan(100);
    const bad = events.map(e => parseTelemetryEvent(e)).find(r => !r.ok);
    expect(bad).toBeUndefined();
    expect(new Set(events.map(e => e.line))).toEqual(
      new Set(['ms5-plant-a-filling', 'ms5-plant-a-packaging', 'iip-plant-b-machining']),
    );
  });

  it('reads UTC offsets, including half-hour zones', () => {
    expect(utcOffsetMinutes('UTC', winter)).toBe(0);
    expect(utcOffsetMinutes('Asia/Kolkata', winter)).toBe(330);
    expect(utcOffsetMinutes('Europe/Berlin', new Date('2026-07-01T12:00:00Z'))).toBe(120);
  });
});
