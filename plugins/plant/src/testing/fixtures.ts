import {
  OeeElements,
  ZERO_TIME_ELEMENTS,
  computeOee,
  oeeElements,
  sixBigLosses,
} from '@plantops/backstage-plugin-plant-common';
import type { Entity } from '@backstage/catalog-model';
import type { SignalApi } from '@backstage/plugin-signals-react';
import type { OeeGroup, OeeGroupKey, PlantApi } from '../api';

/** Elements of one hour: `executing` s running, the rest of the hour in fault. */
export function hourOf(options: {
  executing: number;
  produced: number;
  rejects: number;
  idealCycleTime: number;
}): OeeElements {
  return oeeElements(
    {
      ...ZERO_TIME_ELEMENTS,
      executingTime: options.executing,
      faultTime: 3600 - options.executing,
    },
    [
      {
        idealCycleTime: options.idealCycleTime,
        produced: options.produced,
        startupRejects: 0,
        productionRejects: options.rejects,
      },
    ],
  );
}

/** A group as the backend sends it: result and losses computed from the elements. */
export function groupOf(key: OeeGroupKey, elements: OeeElements): OeeGroup {
  return {
    key,
    elements,
    result: computeOee(elements),
    losses: sixBigLosses(elements),
  };
}

/** A = 83.3%, P = 88.0%, Q = 95.5%, OEE = 70.0%. */
export const typicalHour = hourOf({
  executing: 3000,
  produced: 1100,
  rejects: 50,
  idealCycleTime: 2.4,
});

/** P = 1200 × 2.4 / 2400 = 1.2: the ideal cycle time is set too long. */
export const fastHour = hourOf({
  executing: 2400,
  produced: 1200,
  rejects: 0,
  idealCycleTime: 2.4,
});

export function mockPlantApi(
  overrides: Partial<PlantApi> = {},
): jest.Mocked<PlantApi> {
  return {
    getMachines: jest.fn().mockResolvedValue({ items: [] }),
    getOee: jest.fn().mockResolvedValue({ from: '', to: '', groups: [] }),
    getOeeTrend: jest.fn().mockResolvedValue({ points: [] }),
    getAndon: jest.fn().mockResolvedValue({ items: [] }),
    ...overrides,
  } as jest.Mocked<PlantApi>;
}

/** A signal API whose messages the test sends with `publish`. */
export function mockSignalApi() {
  const listeners = new Map<string, Set<(m: any) => void>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const set = listeners.get(channel) ?? new Set();
      set.add(onMessage as (m: any) => void);
      listeners.set(channel, set);
      return { unsubscribe: () => set.delete(onMessage as (m: any) => void) };
    },
  };
  const publish = (channel: string, message: object) =>
    listeners.get(channel)?.forEach(l => l(message));
  return { api, publish };
}

export const siteEntity: Entity = {
  apiVersion: 'plantops.io/v1alpha1',
  kind: 'Site',
  metadata: { name: 'ms5-plant-a', title: 'MS5.0 Plant A' },
  spec: {
    type: 'plant',
    owner: 'group:default/edge-team',
    region: 'eu-central',
    plantCode: 'MS5-A',
    timezone: 'Europe/Berlin',
    shiftCalendar: {
      shifts: [
        {
          name: 'early',
          start: '06:00',
          end: '14:00',
          days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
        },
      ],
    },
  },
};

export const lineEntity: Entity = {
  apiVersion: 'plantops.io/v1alpha1',
  kind: 'ProductionLine',
  metadata: { name: 'ms5-plant-a-filling', title: 'Plant A filling line' },
  spec: {
    site: 'site:default/ms5-plant-a',
    owner: 'group:default/mes-team',
    machines: [{ name: 'filler', idealCycleTimeSeconds: 2.4 }],
  },
};
