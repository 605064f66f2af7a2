import {
  ZERO_TIME_ELEMENTS,
  computeOee,
  oeeElements,
  sixBigLosses,
} from '@plantops/backstage-plugin-plant-common';
import type { MachineStatus, PlantApi } from '../src';

const STATES = [
  'Executing',
  'Executing',
  'Idle',
  'Fault',
  'Setup',
  'PlannedDowntime',
];

const elements = oeeElements(
  {
    ...ZERO_TIME_ELEMENTS,
    executingTime: 6000,
    faultTime: 900,
    idleTime: 300,
    setupTime: 600,
  },
  [
    {
      idealCycleTime: 2.4,
      produced: 2300,
      startupRejects: 20,
      productionRejects: 40,
    },
  ],
);

function machines(): MachineStatus[] {
  const now = new Date().toISOString();
  return ['filler', 'capper', 'labeller', 'packer'].map((machine, i) => ({
    site: 'ms5-plant-a',
    line: i < 3 ? 'ms5-plant-a-filling' : 'ms5-plant-a-packaging',
    machine,
    state: STATES[(i + Math.floor(Date.now() / 60_000)) % STATES.length],
    stateSince: now,
    andon: {
      active: i === 1,
      colour: 'red',
      reason: i === 1 ? 'cap jam' : null,
    },
    idealCycleTimeSeconds: 2.4,
    lastEventAt: now,
  }));
}

/** Made-up plant data for the dev app. */
export const fakePlantApi: PlantApi = {
  async getMachines() {
    return { items: machines() };
  },
  async getOee(q) {
    const key = { site: 'ms5-plant-a', line: 'ms5-plant-a-filling' };
    return {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      groups: [
        {
          key,
          elements,
          result: computeOee(elements),
          losses: sixBigLosses(elements),
        },
      ],
    };
  },
  async getOeeTrend(q) {
    const step = q.resolution === 'minute' ? 60_000 : 3600_000;
    const points = [];
    for (
      let t = q.from.getTime();
      t <= q.to.getTime() && points.length < 500;
      t += step
    ) {
      const wave = Math.sin(t / 3600_000);
      points.push({
        t: new Date(t).toISOString(),
        availability: 0.85 + 0.1 * wave,
        performance: 0.95 + 0.1 * wave,
        quality: 0.97,
        oee: (0.85 + 0.1 * wave) * (0.95 + 0.1 * wave) * 0.97,
      });
    }
    return { points };
  },
  async getAndon() {
    return {
      items: machines()
        .filter(m => m.andon?.active)
        .map(m => ({
          ...m,
          at: m.lastEventAt!,
          action: 'raised',
          reason: m.andon?.reason,
          colour: 'red',
        })),
    };
  },
};
