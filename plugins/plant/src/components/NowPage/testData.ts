import type { EntityHealth, PlantAlert } from '@plantops/backstage-plugin-plant-common';
import type { HealthApi, NowResponse } from '../../api/HealthApi';

const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();

export const health = (entityRef: string, status: EntityHealth['status'], sinceS: number, message: string): EntityHealth => ({
  entityRef,
  status,
  since: ago(sinceS),
  checkedAt: ago(5),
  derived: false,
  reasons: [{ probe: 'http', status, message }],
});

export const alert = (id: string, o: Partial<PlantAlert> = {}): PlantAlert => ({
  id,
  source: 'alertmanager',
  name: 'ServiceDown',
  severity: 'critical',
  state: 'active',
  startsAt: ago(600),
  summary: `Service ${id} is down`,
  labels: {},
  entityRefs: [],
  runbookUrl: null,
  silencedBy: [],
  ...o,
});

export function nowData(): NowResponse {
  return {
    health: [
      health('component:default/scada', 'down', 300, 'GET http://scada/health answered HTTP 503'),
      health('site:default/plant-b', 'unknown', 100, 'no answer from Prometheus'),
    ],
    alerts: [
      alert('a1', { entityRefs: ['component:default/scada'], runbookUrl: '/runbooks/service-down' }),
      alert('a2', { name: 'OEELow', severity: 'warning', entityRefs: ['productionline:default/line-b'] }),
    ],
    sources: [
      { source: 'alertmanager', status: 'ok', message: 'read' },
      { source: 'andon', status: 'ok', message: 'read' },
    ],
    entities: {
      'component:default/scada': { title: 'SCADA service', kind: 'Component', owner: 'group:default/iip-team', system: 'system:default/iip', site: null },
      'site:default/plant-b': { title: 'Plant B', kind: 'Site', owner: 'group:default/edge-team', system: null, site: 'site:default/plant-b' },
      'productionline:default/line-b': { title: 'Line B', kind: 'ProductionLine', owner: 'group:default/edge-team', system: null, site: 'site:default/plant-b' },
    },
  };
}

export function mockHealthApi(over: Partial<HealthApi> = {}): jest.Mocked<HealthApi> {
  return {
    getHealth: jest.fn(async () => ({ items: [] })),
    getHistory: jest.fn(async () => ({ windowHours: 168, changes: [] })),
    getAlerts: jest.fn(async () => ({ alerts: [], sources: [] })),
    getNow: jest.fn(async () => nowData()),
    silence: jest.fn(async () => ({ silenceId: 's1' })),
    expireSilence: jest.fn(async () => undefined),
    ...over,
  } as jest.Mocked<HealthApi>;
}
