import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, fixedKubeAccess, runAction } from '../../lib/__testUtils__/actionHarness';
import { createUncordonNodeAction } from './uncordonNode';

describe('plant:kubernetes:uncordon-node', () => {
  let double: KubernetesDouble;
  beforeEach(async () => {
    double = await startKubernetesDouble();
    double.seed(
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'False' }] } },
    );
  });
  afterEach(() => double.stop());

  const setup = () => {
    const auditor = capturingAuditor();
    return { auditor, action: createUncordonNodeAction({ auditor, kube: fixedKubeAccess(double.kubeConfig()) }) };
  };

  it('makes a cordoned node schedulable and reports it Ready', async () => {
    const { auditor, action } = setup();
    const run = await runAction(action, { cluster: 'c', node: 'n1' });
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({ changed: true, ready: true });
    expect(double.get('v1', 'Node', undefined, 'n1').spec.unschedulable).toBeUndefined();
    expect(double.writes().map(w => [w.method, w.path, w.contentType])).toEqual([['PATCH', '/api/v1/nodes/n1', 'application/merge-patch+json']]);
    expect(auditor.events[0]).toMatchObject({ meta: { target: 'test-cluster/node/n1' }, outcome: 'success' });
  });

  it('changes nothing on a schedulable node, and nothing in a dry run', async () => {
    const { action } = setup();
    double.clearRequests();
    expect((await runAction(action, { cluster: 'c', node: 'n2' })).output).toEqual({ changed: false, ready: false });
    expect((await runAction(action, { cluster: 'c', node: 'n1' }, { dryRun: true })).output).toEqual({ changed: true, ready: true });
    expect(double.writes()).toEqual([]);
    expect(double.get('v1', 'Node', undefined, 'n1').spec.unschedulable).toBe(true);
  });

  it('names the field for an unknown node', async () => {
    const { action } = setup();
    expect((await runAction(action, { cluster: 'c', node: 'n9' })).error?.message).toBe('node: no node "n9" in the cluster. Give a name from kubectl get nodes');
    expect((await runAction(action, { cluster: 'c' })).error?.message).toBe('node: required. Expected: Name of the node to make schedulable again');
  });
});
