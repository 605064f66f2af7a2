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
import { DISCOVERY_TASK_ID } from './KubernetesDiscoveryProvider';

jest.setTimeout(150_000);

const databases = postgresDatabases();

const deployment = (namespace: string, name: string, image: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels: { app: name, 'plantops.io/catalog': 'true', ...labels } },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
  },
});

const BEFORE = `
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: plant-db }
spec: { type: database, owner: group:default/dba-team }
`;

/** The catalog file once the edge cluster Resource is added. */
const withCluster = (edgeUrl: string) => `${BEFORE}---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: edge-k3s
  annotations:
    kubernetes.io/api-server: ${edgeUrl}
    kubernetes.io/skip-tls-verify: 'true'
spec: { type: kubernetes-cluster, owner: group:default/edge-team }
`;

/** Then a Component declared here claims the oee-api workloads. */
const withClaim = (edgeUrl: string) => `${withCluster(edgeUrl)}---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: oee-portal
  annotations:
    backstage.io/kubernetes-id: oee-api
spec: { type: service, lifecycle: production, owner: group:default/mes-team }
`;

describe('Kubernetes discovery that ran before the catalog had its clusters and Components', () => {
  const dir = createMockDirectory();
  let central: KubernetesDouble;
  let edge: KubernetesDouble;
  let backend: TestBackend;
  let api: string;
  let scheduler: SchedulerService;
  const logged: string[] = [];

  const component = async (name: string) => {
    const res = await fetch(`${api}/entities/by-name/component/default/${name}`);
    return res.ok ? ((await res.json()) as Entity) : undefined;
  };

  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const) {
      jest.spyOn(console, level).mockImplementation((...args) => {
        logged.push(args.map(x => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
      });
    }
    central = await startKubernetesDouble();
    edge = await startKubernetesDouble();
    central.seed(deployment('ms5', 'oee-api', 'ms5/oee-api:2.1.0', { 'backstage.io/kubernetes-id': 'oee-api' }));
    edge.seed(deployment('edge', 'line-gateway', 'ms5/line-gateway:1.0.3'));
    dir.setContent({ 'catalog.yaml': BEFORE });
    ({ backend, api, scheduler } = await startCatalog({
      knex: await databases.init('POSTGRES_15'),
      config: {
        catalog: {
          rules: [{ allow: ['Component', 'Resource', 'Location'] }],
          locations: [{ type: 'file', target: dir.resolve('catalog.yaml') }],
        },
        plant: {
          kubernetes: {
            clusters: [
              { name: 'central', url: central.url, serviceAccountToken: central.token, skipTLSVerify: true },
              // Its API server comes from its catalog Resource, which is not there yet.
              { name: 'edge-k3s', serviceAccountToken: edge.token },
            ],
          },
          kubernetesDiscovery: {
            // No run at start; the test triggers the first one.
            schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 }, initialDelay: { hours: 1 } },
          },
        },
      },
      features: [mockServices.rootLogger.factory({ level: 'info' })],
    }));
  });

  afterAll(async () => {
    await backend?.stop();
    await central?.stop();
    await edge?.stop();
    jest.restoreAllMocks();
  });

  // The two steps run in order: the second starts from what the first left.
  it('runs discovery by itself once the cluster Resource appears', async () => {
    // First run: edge-k3s is unknown and nothing claims oee-api, so oee-api becomes a Component of its own.
    await scheduler.triggerTask(DISCOVERY_TASK_ID);
    await eventually(async () => {
      expect((await component('oee-api'))?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(
        'plant-kubernetes-discovery:oee-api',
      );
    });
    expect(logged.join('\n')).toMatch(/cluster edge-k3s failed, keeping its last known workloads: .*no Kubernetes cluster "edge-k3s"/);
    expect(await component('line-gateway')).toBeUndefined();
    const edgeListsBefore = edge.requests.length;
    const logFrom = logged.length;

    // The catalog file gains the cluster Resource; nobody triggers discovery.
    dir.setContent({ 'catalog.yaml': withCluster(edge.url) });

    const gateway = await eventually(async () => {
      const e = await component('line-gateway');
      expect(e).toBeDefined();
      return e!;
    }, 90_000);
    expect(gateway.metadata.annotations).toMatchObject({
      'plantops.io/kubernetes-clusters': 'edge-k3s',
      'plantops.io/image': 'ms5/line-gateway:1.0.3',
    });
    expect(gateway.spec?.dependsOn).toEqual(['resource:default/edge-k3s']);
    expect(edge.requests.length).toBeGreaterThan(edgeListsBefore);
    // The run was asked for by the cluster Resource, and only by it.
    await eventually(async () => {
      expect(logged.slice(logFrom).join('\n')).toMatch(
        /Kubernetes discovery: run requested because cluster Resource edge-k3s is new to discovery/,
      );
    });
    expect(logged.slice(logFrom).join('\n')).not.toMatch(/claims kubernetes-id/);
    // Nothing claims oee-api yet: discovery's own Component stays.
    expect((await component('oee-api'))?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(
      'plant-kubernetes-discovery:oee-api',
    );
  });

  it('runs discovery by itself once a Component declared elsewhere claims a discovered workload', async () => {
    const logFrom = logged.length;

    // The catalog file gains a Component claiming oee-api; nobody triggers discovery.
    dir.setContent({ 'catalog.yaml': withClaim(edge.url) });

    // oee-api's workloads now enrich the Component that claims them, and discovery's own one is gone.
    const portal = await eventually(async () => {
      const e = await component('oee-portal');
      expect(e?.metadata.annotations?.['plantops.io/image']).toBe('ms5/oee-api:2.1.0');
      expect(await component('oee-api')).toBeUndefined();
      return e!;
    }, 90_000);
    expect(portal.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-id': 'oee-api',
      'plantops.io/kubernetes-clusters': 'central',
      'backstage.io/managed-by-location': expect.stringMatching(/^file:/),
    });
    await eventually(async () => {
      expect(logged.slice(logFrom).join('\n')).toMatch(
        /Kubernetes discovery: run requested because component oee-portal claims kubernetes-id oee-api/,
      );
    });
  });
});
