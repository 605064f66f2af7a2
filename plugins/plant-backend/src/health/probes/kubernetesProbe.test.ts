import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { KubernetesClusterResolver } from '@plantops/backstage-plugin-plant-node';
import { startKubernetesDouble, KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { KubernetesProbe } from './kubernetesProbe';
import { runProbe } from './runProbe';

const credentials = { $$type: '@backstage/BackstageCredentials', principal: { type: 'service', subject: 'plugin:plant' } } as any;

const cluster: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'edge', namespace: 'default' },
  spec: { type: 'kubernetes-cluster', owner: 'team' },
};
const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'oee-api',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'oee-api', 'backstage.io/kubernetes-namespace': 'ms5' },
  },
  spec: { type: 'service', owner: 'team', lifecycle: 'production', dependsOn: ['resource:default/edge'] },
};
const catalog = {
  async getEntityByRef(ref: string) {
    return [cluster, service].find(e => `${e.kind}:default/${e.metadata.name}`.toLowerCase() === ref.toLowerCase());
  },
};

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'oee-api', namespace: 'ms5' },
  spec: {
    replicas,
    selector: { matchLabels: { 'backstage.io/kubernetes-id': 'oee-api' } },
    template: {
      metadata: { labels: { 'backstage.io/kubernetes-id': 'oee-api' } },
      spec: { containers: [{ name: 'api', image: 'ms5/oee-api:1.0' }] },
    },
  },
});

describe('KubernetesProbe (Kubernetes API double, real client)', () => {
  let k8s: KubernetesDouble;
  let probe: KubernetesProbe;
  beforeAll(async () => {
    k8s = await startKubernetesDouble({ podReadyDelayMs: 20 });
    const resolver = new KubernetesClusterResolver(
      new ConfigReader({ plant: { kubernetes: { clusters: [{ name: 'edge', url: k8s.url, skipTLSVerify: true, serviceAccountToken: k8s.token }] } } }),
    );
    probe = new KubernetesProbe(resolver, catalog, async () => credentials);
  });
  afterAll(() => k8s.stop());

  it('reads ready vs desired replicas, and turns degraded on a CrashLoopBackOff pod', async () => {
    expect(probe.appliesTo(service)).toBe(true);
    const missing = await runProbe(probe, service, 5000);
    expect(missing).toEqual(expect.objectContaining({ status: 'down', message: 'no Deployment or StatefulSet oee-api in edge/ms5' }));

    k8s.seed(deployment(2));
    await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'oee-api', (d: any) => d.status?.readyReplicas === 2);
    const ok = await runProbe(probe, service, 5000);
    expect(ok).toEqual(expect.objectContaining({ status: 'ok', message: 'Deployment oee-api in edge/ms5: 2 of 2 ready, 0 restart(s)' }));

    // One pod crash-looping (as the kubelet reports it).
    const pod = (k8s.list('v1', 'Pod', 'ms5') as any[])[0];
    k8s.setStatus('v1', 'Pod', 'ms5', pod.metadata.name, {
      ...pod.status,
      containerStatuses: [{ name: 'api', ready: false, restartCount: 7, image: 'ms5/oee-api:1.0', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } }],
    });
    const crash = await runProbe(probe, service, 5000);
    expect(crash.status).toBe('degraded');
    expect(crash.message).toContain(`7 restart(s); CrashLoopBackOff: ${pod.metadata.name}`);
  });

  it('is unknown with the reason when the cluster has no token', async () => {
    const noToken = new KubernetesProbe(
      new KubernetesClusterResolver(new ConfigReader({ plant: { kubernetes: { clusters: [{ name: 'edge', url: k8s.url }] } } })),
      catalog,
      async () => credentials,
    );
    const r = await runProbe(noToken, service, 5000);
    expect(r.status).toBe('unknown');
    expect(r.message).toMatch(/no service account token for cluster "edge"/);
  });
});
