import { mockServices } from '@backstage/backend-test-utils';
import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, everythingSaid, runAction } from '../../lib/__testUtils__/actionHarness';
import { createKubernetesActions } from '../kubernetes';
import { deploymentManifest } from './__testUtils__/fixtures';

describe('kubernetes deploy actions as the module registers them', () => {
  let k8s: KubernetesDouble;
  beforeAll(async () => {
    k8s = await startKubernetesDouble({ podReadyDelayMs: 20 });
    k8s.seed(deploymentManifest('ms5-gateway', 'ms5/gateway:1', 2));
  });
  afterAll(() => k8s.stop());

  const deps = (token: string) => ({
    config: mockServices.rootConfig({
      data: { plant: { kubernetes: { clusters: [{ name: 'ms5-prod-aks', url: k8s.url, skipTLSVerify: true, serviceAccountToken: token }] } } },
    }),
    auditor: capturingAuditor(),
    logger: mockServices.logger.mock(),
    catalog: {} as any,
    auth: {} as any,
    discovery: {} as any,
  });

  it('registers the fixed ids, each with a dry run, examples and a description on every input field', () => {
    const actions = createKubernetesActions(deps(k8s.token));
    expect(actions.map(a => a.id)).toEqual([
      'plant:kubernetes:set-image',
      'plant:kubernetes:rollout-status',
      'plant:kubernetes:rollout-undo',
      'plant:kubernetes:rollout-restart',
      'plant:kubernetes:scale',
    ]);
    for (const a of actions) {
      expect(a.supportsDryRun).toBe(true);
      expect(a.examples?.length).toBeGreaterThan(0);
      const input = (a.schema?.input as any)?.properties ?? {};
      const output = (a.schema?.output as any)?.properties ?? {};
      expect(Object.keys(input)).toEqual(expect.arrayContaining(['entityRef', 'cluster', 'namespace', 'name', 'kind']));
      for (const [field, p] of Object.entries<any>({ ...input, ...output })) expect([field, typeof p.description]).toEqual([field, 'string']);
    }
  });

  it("reaches the cluster through plant-node's resolver with the configured token, which never shows", async () => {
    const d = deps(k8s.token);
    const status = createKubernetesActions(d).find(a => a.id === 'plant:kubernetes:rollout-status')!;
    const run = await runAction(status, { cluster: 'resource:default/ms5-prod-aks', namespace: 'ms5', name: 'ms5-gateway', timeoutSeconds: 10 });
    expect(run.error).toBeUndefined();
    expect(run.output.done).toBe(true);
    expect(everythingSaid(run, d.auditor)).not.toContain(k8s.token);

    const wrong = deps('not-the-token');
    const refused = await runAction(createKubernetesActions(wrong).find(a => a.id === 'plant:kubernetes:scale')!, {
      cluster: 'ms5-prod-aks', namespace: 'ms5', name: 'ms5-gateway', replicas: 3,
    });
    expect(refused.error?.message).toBe(
      'cluster ms5-prod-aks refused the service account token (401 Unauthorized). Check the token under plant.kubernetes.clusters[name=ms5-prod-aks] (serviceAccountToken or serviceAccountTokenEnv); nothing was changed',
    );
    expect(k8s.writes()).toEqual([]);
  });
});
