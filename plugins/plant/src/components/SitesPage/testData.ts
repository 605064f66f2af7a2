import type { Entity } from '@backstage/catalog-model';
import type { MachineStatus } from '../../api';

const shiftCalendar = {
  shifts: [{ name: 'day', start: '06:00', end: '14:00', days: ['Mon'] }],
};

/** Names its lines in spec.lines; one of them is not in the catalog. */
export const plantA: Entity = {
  apiVersion: 'plantops.io/v1alpha1',
  kind: 'Site',
  metadata: { name: 'ms5-plant-a', title: 'MS5.0 Plant A' },
  spec: {
    type: 'edge-site',
    owner: 'group:default/edge-team',
    region: 'eu-central',
    plantCode: 'MS5-A',
    timezone: 'Europe/Berlin',
    shiftCalendar,
    edgeDevice: 'resource:default/ms5-edge-jetson',
    cluster: 'resource:default/ms5-edge-k3s',
    lines: [
      'productionline:default/ms5-plant-a-filling',
      'productionline:default/ms5-plant-a-retired',
    ],
  },
};

/** Its line names the site (the site does not list it); no cluster. */
export const plantB: Entity = {
  apiVersion: 'plantops.io/v1alpha1',
  kind: 'Site',
  metadata: { name: 'iip-plant-b', title: 'IIP Plant B' },
  spec: {
    type: 'edge-site',
    owner: 'group:default/edge-team',
    region: 'us-central',
    plantCode: 'IIP-B',
    timezone: 'America/Chicago',
    shiftCalendar,
    edgeDevice: 'resource:default/iip-edge-jetson',
  },
};

/** A plant with a line but no telemetry at all. */
export const plantC: Entity = {
  apiVersion: 'plantops.io/v1alpha1',
  kind: 'Site',
  metadata: { name: 'plant-c', namespace: 'emea' },
  spec: {
    type: 'plant',
    owner: 'group:emea/ops',
    region: 'eu-central',
    plantCode: 'PC-1',
    timezone: 'Europe/Lisbon',
    shiftCalendar,
    cluster: 'resource:emea/plant-c-k3s',
  },
};

function line(
  name: string,
  title: string,
  site: string,
  machines: string[],
  namespace?: string,
): Entity {
  return {
    apiVersion: 'plantops.io/v1alpha1',
    kind: 'ProductionLine',
    metadata: { name, title, ...(namespace ? { namespace } : {}) },
    spec: {
      site,
      owner: 'group:default/mes-team',
      machines: machines.map(m => ({ name: m, idealCycleTimeSeconds: 1 })),
    },
  };
}

export const fillingLine = line(
  'ms5-plant-a-filling',
  'Plant A filling line',
  'site:default/ms5-plant-a',
  ['filler', 'capper', 'labeller'],
);
/** Names its site too, but the site does not list it. */
export const packagingLine = line(
  'ms5-plant-a-packaging',
  'Plant A packaging line',
  'ms5-plant-a',
  ['case-packer', 'palletiser'],
);
export const machiningLine = line(
  'iip-plant-b-machining',
  'Plant B machining line',
  'site:default/iip-plant-b',
  ['cnc-1', 'cnc-2'],
);
export const lineC = line(
  'plant-c-assembly',
  'Plant C assembly',
  'site:emea/plant-c',
  ['press'],
  'emea',
);

export const allEntities = [
  plantA,
  plantB,
  plantC,
  fillingLine,
  packagingLine,
  machiningLine,
  lineC,
];

export function machineAt(
  site: string,
  lineName: string,
  name: string,
  state: string,
  lastEventAt: Date | null,
  andonReason?: string,
): MachineStatus {
  return {
    site,
    line: lineName,
    machine: name,
    state,
    stateSince: lastEventAt?.toISOString() ?? null,
    andon: andonReason
      ? { active: true, colour: 'red', reason: andonReason }
      : { active: false, colour: null, reason: null },
    idealCycleTimeSeconds: 1,
    lastEventAt: lastEventAt?.toISOString() ?? null,
  };
}
