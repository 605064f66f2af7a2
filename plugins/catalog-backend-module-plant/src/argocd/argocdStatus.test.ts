import net from 'node:net';
import {
  createMockDirectory,
  mockServices,
  type TestBackend,
} from '@backstage/backend-test-utils';
import type { SchedulerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  startArgoCdDouble,
  type ArgoCdDouble,
} from '@plantops/backstage-plugin-plant-node/testing';
import {
  eventually,
  postgresDatabases,
  startCatalog,
} from '../testing/backend';

jest.setTimeout(120_000);

const databases = postgresDatabases();
const TASK = 'plant-argocd-status:refresh';

const CATALOG = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: oee-service
  annotations:
    argocd/app-name: oee-api
spec: { type: service, lifecycle: production, owner: group:default/mes-team }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: edge-gateway
  annotations:
    backstage.io/kubernetes-id: edge-gateway
spec: { type: service, lifecycle: production, owner: group:default/edge-team }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: no-app
spec: { type: service, lifecycle: production, owner: group:default/edge-team }
`;

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

describe('ArgoCD status on Components (ArgoCD API double, PostgreSQL)', () => {
  const dir = createMockDirectory();
  let argo: ArgoCdDouble;
  let backend: TestBackend;
  let api: string;
  let scheduler: SchedulerService;
  const logged: string[] = [];

  const annotations = async (name: string) => {
    const res = await fetch(`${api}/entities/by-name/component/default/${name}`);
    return res.ok ? ((await res.json()) as Entity).metadata.annotations ?? {} : undefined;
  };

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) {
      jest.spyOn(console, level).mockImplementation((...args) => {
        logged.push(args.map(x => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
      });
    }
    argo = await startArgoCdDouble({ syncDelayMs: 20 });
    argo.seed(
      { name: 'oee-api', history: ['a1b2c3d4e5f6a7b8'], health: 'Healthy' },
      { name: 'edge-gateway', history: ['1111111111111111'], gitRevision: '2222222222222222', health: 'Degraded' },
      { name: 'orphan', health: 'Healthy' },
    );
    dir.setContent({ 'catalog.yaml': CATALOG });
    const knex = await databases.init('POSTGRES_15');
    ({ backend, api, scheduler } = await startCatalog({
      knex,
      config: {
        catalog: {
          rules: [{ allow: ['Component', 'Location'] }],
          locations: [{ type: 'file', target: dir.resolve('catalog.yaml') }],
        },
        plant: {
          argocd: {
            instances: [
              { name: 'argocd-down', url: `http://127.0.0.1:${await closedPort()}`, token: 'down-argo-token' },
              { name: 'argocd-main', url: argo.url, token: argo.token },
            ],
          },
          argocdStatus: {
            schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 }, initialDelay: { hours: 1 } },
          },
        },
      },
      features: [mockServices.rootLogger.factory({ level: 'info' })],
    }));
    await eventually(async () => expect(await annotations('no-app')).toBeDefined());
  });

  afterAll(async () => {
    await backend?.stop();
    await argo?.stop();
    jest.restoreAllMocks();
  });

  it('writes sync and health on the Component its argocd/app-name names, and links one by kubernetes-id', async () => {
    await scheduler.triggerTask(TASK);
    await eventually(async () => {
      expect(await annotations('oee-service')).toMatchObject({
        'argocd/app-name': 'oee-api',
        'plantops.io/argocd-instance': 'argocd-main',
        'plantops.io/argocd-sync': 'Synced',
        'plantops.io/argocd-health': 'Healthy',
        'plantops.io/argocd-revision': 'a1b2c3d4e5f6a7b8',
      });
      expect(await annotations('edge-gateway')).toMatchObject({
        'argocd/app-name': 'edge-gateway',
        'plantops.io/argocd-sync': 'OutOfSync',
        'plantops.io/argocd-health': 'Degraded',
      });
    });
    const none = await annotations('no-app');
    expect(Object.keys(none!).filter(k => k.startsWith('argocd/') || k.includes('argocd'))).toEqual([]);
    expect(logged.join('\n')).toMatch(
      /ArgoCD status: ArgoCD argocd-down: listing applications failed: 0 fetch failed \(ECONNREFUSED\); keeping the last known status of its apps/,
    );
    expect(logged.join('\n')).toContain('ArgoCD status: 1/2 instances read, 3 apps changed');
  });

  it('reprocesses a Component when its app changes, refreshing only the changed apps', async () => {
    // A sync of the new revision makes edge-gateway Synced; oee-api is untouched.
    await fetch(`${argo.url}/api/v1/applications/edge-gateway/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${argo.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    await eventually(async () => expect(argo.app('edge-gateway').status.sync.status).toBe('Synced'));
    await scheduler.triggerTask(TASK);
    await eventually(async () => {
      expect(await annotations('edge-gateway')).toMatchObject({
        'plantops.io/argocd-sync': 'Synced',
        'plantops.io/argocd-health': 'Healthy',
        'plantops.io/argocd-revision': '2222222222222222',
      });
    });
    expect(logged.join('\n')).toContain('ArgoCD status: 1/2 instances read, 1 apps changed');
    const all = logged.join('\n');
    expect(all).not.toContain(argo.token);
    expect(all).not.toContain('down-argo-token');
  });
});
