import { mockServices } from '@backstage/backend-test-utils';
import yaml from 'yaml';
import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, runAction } from '../../lib/__testUtils__/actionHarness';
import { createMaintenanceActions } from '../maintenance';
import { createSecretsActions } from '../secrets';
import { createVeleroActions } from '../velero';

describe('maintenance, Velero and secret actions as the module registers them', () => {
  let double: KubernetesDouble;
  beforeAll(async () => {
    double = await startKubernetesDouble();
    double.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-1' }, spec: { unschedulable: true } });
  });
  afterAll(() => double.stop());

  function deps(token: string) {
    const auditor = capturingAuditor();
    const config = mockServices.rootConfig({
      data: { plant: { kubernetes: { clusters: [{ name: 'ms5-edge-k3s', url: double.url, skipTLSVerify: true, serviceAccountTokenEnv: 'PLANTOPS_TEST_EDGE_TOKEN' }] } } },
    });
    process.env.PLANTOPS_TEST_EDGE_TOKEN = token;
    return { auditor, deps: { config, auditor, logger: mockServices.logger.mock(), catalog: {} as any, auth: {} as any, discovery: {} as any } };
  }

  it('registers the fixed action ids, each with a dry run, a description and examples', () => {
    const { deps: d } = deps(double.token);
    const actions = [...createMaintenanceActions(d), ...createVeleroActions(d), ...createSecretsActions(d)];
    expect(actions.map(a => a.id)).toEqual([
      'plant:kubernetes:drain-node',
      'plant:kubernetes:uncordon-node',
      'plant:kubernetes:maintenance-mode',
      'plant:kubernetes:emergency-scale-down',
      'plant:kubernetes:restore-scale',
      'plant:velero:backup',
      'plant:secret:rotate-random',
      'plant:secret:rotate-tls',
    ]);
    for (const a of actions) {
      expect(a.supportsDryRun).toBe(true);
      expect(a.description?.length).toBeGreaterThan(40);
      expect(a.examples?.length).toBeGreaterThan(0);
      const props = (a.schema?.input as any)?.properties ?? {};
      expect(Object.keys(props)).toContain('cluster');
      for (const [field, p] of Object.entries<any>(props)) expect([field, typeof p.description]).toEqual([field, 'string']);
      // every example is a template step of this action whose inputs the schema knows, with the required ones present
      for (const ex of a.examples ?? []) {
        const steps = yaml.parse(ex.example).steps as { action: string; input: Record<string, unknown> }[];
        expect(steps.map(st => st.action)).toEqual([a.id]);
        for (const key of Object.keys(steps[0].input)) expect([a.id, key, key in props]).toEqual([a.id, key, true]);
        for (const req of (a.schema?.input as any).required ?? []) expect([a.id, req, req in steps[0].input]).toEqual([a.id, req, true]);
      }
    }
  });

  it('reaches the cluster through plant-node\'s resolver with the token from config, and fails clearly without it', async () => {
    const good = deps(double.token);
    const uncordon = createMaintenanceActions(good.deps).find(a => a.id === 'plant:kubernetes:uncordon-node')!;
    const run = await runAction(uncordon, { cluster: 'ms5-edge-k3s', node: 'edge-1' });
    expect(run.error).toBeUndefined();
    expect(run.output.changed).toBe(true);
    expect(double.get('v1', 'Node', undefined, 'edge-1').spec.unschedulable).toBeUndefined();

    const bad = deps('');
    const refused = await runAction(createMaintenanceActions(bad.deps)[1], { cluster: 'ms5-edge-k3s', node: 'edge-1' });
    expect(refused.error?.message).toMatch(/^cluster: no service account token for cluster "ms5-edge-k3s"/);
    delete process.env.PLANTOPS_TEST_EDGE_TOKEN;
  });
});
