import { ConfigReader } from '@backstage/config';
import { CoreV1Api } from '@kubernetes/client-node';
import type { Entity } from '@backstage/catalog-model';
import { KubernetesClusterResolver, type CatalogReader } from './clusters';
import { resolveEntityWorkload } from './entity';
import { startKubernetesDouble, type KubernetesDouble } from '../testing';

const credentials = { $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: 'user:default/a' } } as any;

function catalogOf(entities: Entity[]): CatalogReader {
  return {
    async getEntityByRef(ref) {
      return entities.find(e => `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLowerCase() === ref.toLowerCase());
    },
  };
}

const cluster = (name: string, url: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, annotations: { 'kubernetes.io/api-server': url, 'kubernetes.io/auth-provider': 'serviceAccount', 'kubernetes.io/skip-tls-verify': 'true' } },
  spec: { type: 'kubernetes-cluster', owner: 'group:platform-team' },
});

describe('KubernetesClusterResolver', () => {
  let k8s: KubernetesDouble;
  beforeAll(async () => {
    k8s = await startKubernetesDouble();
  });
  afterAll(() => k8s.stop());

  const listNamespaces = async (r: KubernetesClusterResolver, ref: string) => {
    const { kubeConfig } = await r.kubeConfig(ref, { credentials });
    return kubeConfig.makeApiClient(CoreV1Api).listNamespace();
  };

  it('reaches a configured cluster with its secret token', async () => {
    const r = new KubernetesClusterResolver(
      new ConfigReader({ plant: { kubernetes: { clusters: [{ name: 'edge', url: k8s.url, skipTLSVerify: true, serviceAccountToken: k8s.token }] } } }),
    );
    await expect(listNamespaces(r, 'edge')).resolves.toMatchObject({ kind: 'NamespaceList' });
    expect((await r.kubeConfig('resource:default/edge')).cluster).toBe('edge');
  });

  it('takes the API server from the catalog Resource and the token from the environment variable config names', async () => {
    const r = new KubernetesClusterResolver(
      new ConfigReader({ plant: { kubernetes: { clusters: [{ name: 'ms5-prod-aks', serviceAccountTokenEnv: 'MS5_TOKEN' }] } } }),
      { catalog: catalogOf([cluster('ms5-prod-aks', k8s.url)]), env: { MS5_TOKEN: k8s.token } },
    );
    await expect(listNamespaces(r, 'resource:default/ms5-prod-aks')).resolves.toMatchObject({ kind: 'NamespaceList' });
  });

  it('names the field and the config key when a cluster or its token is missing, and never reads a token from the catalog', async () => {
    const withToken = cluster('iip-prod', k8s.url);
    withToken.metadata.annotations!['kubernetes.io/service-account-token'] = 'from-catalog';
    const r = new KubernetesClusterResolver(new ConfigReader({}), { catalog: catalogOf([withToken]), env: {} });
    await expect(r.kubeConfig('iip-prod', { field: 'cluster', credentials })).rejects.toThrow(
      'cluster: no service account token for cluster "iip-prod". Set plant.kubernetes.clusters[name=iip-prod].serviceAccountToken',
    );
    await expect(r.kubeConfig('nowhere', { field: 'target.cluster', credentials })).rejects.toThrow(
      /^target\.cluster: no Kubernetes cluster "nowhere"\. Use one of \(none configured\)/,
    );
  });
});

describe('resolveEntityWorkload', () => {
  const gateway: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'ms5-gateway',
      annotations: {
        'backstage.io/kubernetes-id': 'ms5-gateway',
        'backstage.io/kubernetes-namespace': 'ms5',
        'backstage.io/kubernetes-label-selector': 'app=ms5-gateway',
      },
    },
    spec: { type: 'service', owner: 'mes-team', dependsOn: ['resource:default/ms5-redis', 'resource:default/ms5-prod-aks'] },
  };
  const redis: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'ms5-redis' }, spec: { type: 'cache' } };

  it('reads cluster, namespace, workload and selector from the entity', async () => {
    const catalog = catalogOf([gateway, redis, cluster('ms5-prod-aks', 'https://x')]);
    await expect(resolveEntityWorkload(catalog, 'ms5-gateway', { credentials })).resolves.toEqual({
      entityRef: 'component:default/ms5-gateway',
      cluster: 'ms5-prod-aks',
      namespace: 'ms5',
      name: 'ms5-gateway',
      labelSelector: 'app=ms5-gateway',
    });
  });

  it('asks for the cluster when the entity runs on two', async () => {
    const twice = { ...gateway, spec: { ...gateway.spec, dependsOn: ['resource:ms5-prod-aks', 'resource:ms5-dr-aks'] } };
    const catalog = catalogOf([twice, cluster('ms5-prod-aks', 'https://a'), cluster('ms5-dr-aks', 'https://b')]);
    await expect(resolveEntityWorkload(catalog, 'component:ms5-gateway', { credentials })).rejects.toThrow(
      'cluster: component:default/ms5-gateway runs on several clusters (ms5-prod-aks, ms5-dr-aks). Give the cluster input',
    );
    await expect(resolveEntityWorkload(catalog, 'component:ms5-gateway', { credentials, cluster: 'ms5-dr-aks' })).resolves.toMatchObject({ cluster: 'ms5-dr-aks' });
  });
});
