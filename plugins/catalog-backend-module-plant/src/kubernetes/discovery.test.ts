import net from 'node:net';
import {
  createMockDirectory,
  mockServices,
  type TestBackend,
} from '@backstage/backend-test-utils';
import type { SchedulerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  startKubernetesDouble,
  type KubernetesDouble,
} from '@plantops/backstage-plugin-plant-node/testing';
import {
  eventually,
  postgresDatabases,
  startCatalog,
} from '../testing/backend';

jest.setTimeout(120_000);

const databases = postgresDatabases();
const TASK = 'plant-kubernetes-discovery:refresh';

/** A workload as kubectl apply would create it; `optIn` adds the catalog label. */
function workload(
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
  namespace: string,
  name: string,
  image: string,
  extra: { optIn?: boolean; labels?: Record<string, string>; annotations?: Record<string, string> } = {},
) {
  const labels = {
    app: name,
    ...(extra.optIn === false ? {} : { 'plantops.io/catalog': 'true' }),
    ...extra.labels,
  };
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace, labels, annotations: extra.annotations },
    spec: {
      replicas: 1,
      ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image }] },
      },
    },
  };
}

/** A port nothing listens on: a cluster that is down. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

const CATALOG = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: edge-gateway
  annotations:
    backstage.io/kubernetes-id: edge-gateway
    backstage.io/kubernetes-namespace: edge
spec: { type: service, lifecycle: production, owner: group:default/edge-team }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: catalog-only-k3s
  annotations:
    kubernetes.io/api-server: https://catalog-only-k3s.example.com:6443
spec: { type: kubernetes-cluster, owner: group:default/edge-team }
`;

describe('Kubernetes discovery provider (Kubernetes API double, PostgreSQL)', () => {
  const dir = createMockDirectory();
  let a: KubernetesDouble;
  let b: KubernetesDouble;
  let backend: TestBackend;
  let api: string;
  let scheduler: SchedulerService;
  const logged: string[] = [];

  const entity = async (name: string) => {
    const res = await fetch(`${api}/entities/by-name/component/default/${name}`);
    return res.ok ? ((await res.json()) as Entity) : undefined;
  };

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) {
      jest.spyOn(console, level).mockImplementation((...args) => {
        logged.push(args.map(x => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
      });
    }
    a = await startKubernetesDouble({ podReadyDelayMs: 10 });
    b = await startKubernetesDouble({ podReadyDelayMs: 10 });
    a.seed(
      workload('Deployment', 'edge', 'edge-gateway', 'ms5/edge-gateway:1.4.2', {
        labels: { 'backstage.io/kubernetes-id': 'edge-gateway' },
        annotations: { 'plantops.io/site': 'site:default/ms5-plant-a' },
      }),
      workload('Deployment', 'ms5', 'oee-api', 'ms5/oee-api:2.1.0', {
        labels: { 'app.kubernetes.io/version': '2.1.0', 'plantops.io/owner': 'mes-team' },
        annotations: { 'plantops.io/owner': 'group:default/mes-team' },
      }),
      workload('Deployment', 'ms5', 'scratch', 'busybox:1.36', { optIn: false }),
      workload('StatefulSet', 'ms5', 'historian', 'ms5/historian:7.0'),
      workload('DaemonSet', 'kube-system', 'node-agent', 'ms5/node-agent@sha256:abc'),
    );
    b.seed(
      workload('Deployment', 'ms5', 'oee-api', 'ms5/oee-api:2.0.9'),
      workload('Deployment', 'edge', 'edge-gateway', 'ms5/edge-gateway:1.4.1', {
        labels: { 'backstage.io/kubernetes-id': 'edge-gateway' },
      }),
    );
    dir.setContent({ 'catalog.yaml': CATALOG });
    const knex = await databases.init('POSTGRES_15');
    ({ backend, api, scheduler } = await startCatalog({
      knex,
      config: {
        catalog: {
          rules: [{ allow: ['Component', 'Resource', 'Location', 'Site', 'ProductionLine'] }],
          locations: [{ type: 'file', target: dir.resolve('catalog.yaml') }],
        },
        plant: {
          kubernetes: {
            clusters: [
              { name: 'cluster-a', url: a.url, serviceAccountToken: a.token, skipTLSVerify: true },
              { name: 'cluster-b', url: b.url, serviceAccountToken: b.token, skipTLSVerify: true },
              { name: 'cluster-down', url: `http://127.0.0.1:${await closedPort()}`, serviceAccountToken: 'down-token-secret', skipTLSVerify: true },
            ],
          },
          kubernetesDiscovery: {
            pageSize: 1,
            // Triggered by the test; the delay keeps the mock scheduler from running it at start.
            schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 }, initialDelay: { hours: 1 } },
          },
        },
      },
      features: [mockServices.rootLogger.factory({ level: 'info' })],
    }));
    // Discovery must see the catalog's own Component before it runs.
    await eventually(async () => expect(await entity('edge-gateway')).toBeDefined());
  });

  afterAll(async () => {
    if (process.env.DEBUG_DISCOVERY) process.stderr.write(`${logged.filter(l => /discovery|error|Error/i.test(l)).join('\n')}\n`);
    await backend?.stop();
    await a?.stop();
    await b?.stop();
    jest.restoreAllMocks();
  });

  it('turns opted-in workloads of every cluster into Components, paging with continue', async () => {
    await scheduler.triggerTask(TASK);
    const oee = await eventually(async () => {
      const e = await entity('oee-api');
      expect(e).toBeDefined();
      return e!;
    });
    expect(oee.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-id': 'oee-api',
      'backstage.io/kubernetes-namespace': 'ms5',
      'plantops.io/kubernetes-clusters': 'cluster-a,cluster-b',
      'plantops.io/image': 'ms5/oee-api:2.1.0',
      'plantops.io/version': '2.1.0',
      'backstage.io/managed-by-location': 'plant-kubernetes-discovery:oee-api',
    });
    expect(oee.spec).toMatchObject({
      type: 'service',
      owner: 'group:default/mes-team',
      dependsOn: ['resource:default/cluster-a', 'resource:default/cluster-b'],
    });
    const historian = await eventually(async () => {
      const e = await entity('historian');
      expect(e).toBeDefined();
      return e!;
    });
    expect(historian.metadata.annotations?.['plantops.io/version']).toBe('7.0');
    expect(historian.spec?.owner).toBe('group:default/platform-team');
    const agent = await eventually(async () => {
      const e = await entity('node-agent');
      expect(e).toBeDefined();
      return e!;
    });
    expect(agent.metadata.annotations?.['plantops.io/image']).toBe('ms5/node-agent@sha256:abc');
    expect(agent.metadata.annotations?.['plantops.io/version']).toBeUndefined();
    expect(await entity('scratch')).toBeUndefined();

    // pageSize 1: every list of cluster-a went page by page with continue tokens.
    const deploymentLists = a.requests.filter(r => r.path === '/apis/apps/v1/deployments');
    expect(deploymentLists.map(r => Boolean(r.query.continue))).toEqual([false, true]);
    expect(deploymentLists.every(r => r.query.labelSelector === 'plantops.io/catalog=true' && r.query.limit === '1')).toBe(true);
  });

  it('enriches the Component the catalog already has, keeping its own annotations', async () => {
    const gateway = await eventually(async () => {
      const e = await entity('edge-gateway');
      expect(e?.metadata.annotations?.['plantops.io/image']).toBeDefined();
      return e!;
    });
    expect(gateway.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-namespace': 'edge',
      'plantops.io/kubernetes-clusters': 'cluster-a,cluster-b',
      'plantops.io/image': 'ms5/edge-gateway:1.4.2',
      'plantops.io/version': '1.4.2',
      'plantops.io/site': 'site:default/ms5-plant-a',
    });
    // Still the catalog file's entity, not a second one from discovery.
    expect(gateway.metadata.annotations?.['backstage.io/managed-by-location']).toMatch(/^file:/);
  });

  it('a failing cluster neither stops the others nor drops its own Components; no token is logged', async () => {
    expect(logged.join('\n')).toMatch(/cluster cluster-down failed, keeping its last known workloads: fetch failed \(ECONNREFUSED\)/);
    expect(logged.join('\n')).toMatch(
      /cluster catalog-only-k3s failed, keeping its last known workloads: cluster catalog-only-k3s: no service account token/,
    );

    // cluster-b now answers 500 to everything; cluster-a loses historian.
    b.failNext(/.*/, { times: 1000, code: 500 });
    await fetch(`${a.url}/apis/apps/v1/namespaces/ms5/statefulsets/historian`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${a.token}` },
    });
    await scheduler.triggerTask(TASK);
    await eventually(async () => expect(await entity('historian')).toBeUndefined());
    // oee-api still lists cluster-b: its last known workloads are kept.
    const oee = await entity('oee-api');
    expect(oee?.metadata.annotations?.['plantops.io/kubernetes-clusters']).toBe('cluster-a,cluster-b');
    expect(logged.join('\n')).toMatch(/cluster cluster-b failed, keeping its last known workloads: the API answered 500: injected failure/);

    const all = logged.join('\n');
    for (const secret of [a.token, b.token, 'down-token-secret']) {
      expect(all).not.toContain(secret);
    }
  });
});
