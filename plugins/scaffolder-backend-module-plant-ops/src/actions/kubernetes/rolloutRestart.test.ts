import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, fixedKubeAccess, runAction } from '../../lib/__testUtils__/actionHarness';
import { createRolloutRestartAction } from './rolloutRestart';
import { deploymentManifest } from './__testUtils__/fixtures';

describe('plant:kubernetes:rollout-restart', () => {
  let k8s: KubernetesDouble;
  beforeEach(async () => {
    k8s = await startKubernetesDouble({ podReadyDelayMs: 20, progressDeadlineMs: 1000 });
    k8s.seed(deploymentManifest('ms5-gateway', 'ms5/gateway:1', 2));
    await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'ms5-gateway', d => d.status?.availableReplicas === 2);
    k8s.clearRequests();
  });
  afterEach(() => k8s.stop());
  const setup = () => {
    const auditor = capturingAuditor();
    return { auditor, action: createRolloutRestartAction({ auditor, kube: fixedKubeAccess(k8s.kubeConfig(), 'ms5-prod-aks'), pollIntervalMs: 10 }) };
  };
  const input = { cluster: 'ms5-prod-aks', namespace: 'ms5', name: 'ms5-gateway', timeoutSeconds: 10 };
  const podNames = () => k8s.list('v1', 'Pod', 'ms5').map(p => p.metadata.name).sort();

  it('replaces every pod and waits', async () => {
    const before = podNames();
    const { auditor, action } = setup();
    const run = await runAction(action, input);
    expect(run.error).toBeUndefined();
    expect(run.output).toMatchObject({ workload: 'ms5/deployment/ms5-gateway', previousRestartedAt: '', replicas: 2, rolloutMessage: 'deployment "ms5-gateway" successfully rolled out' });
    expect(run.output.restartedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const stamped = k8s.get('apps/v1', 'Deployment', 'ms5', 'ms5-gateway').spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
    expect(stamped).toBe(run.output.restartedAt);
    const after = podNames();
    expect(after).toHaveLength(2);
    expect(after.filter(n => before.includes(n))).toEqual([]);
    expect(auditor.events[0].outcome).toBe('success');
  });

  it('writes nothing in a dry run, and restarts once per task on retry', async () => {
    const { action } = setup();
    const dry = await runAction(action, input, { dryRun: true });
    expect(dry.logs.join('\n')).toContain('[dry run] would restart the 2 pods of ms5/deployment/ms5-gateway on ms5-prod-aks');
    expect(k8s.writes()).toEqual([]);
    const cache = new Map<string, unknown>();
    const first = await runAction(action, input, { checkpointCache: cache });
    k8s.clearRequests();
    const retry = await runAction(action, input, { checkpointCache: cache });
    expect(retry.output.restartedAt).toBe(first.output.restartedAt);
    expect(k8s.writes()).toEqual([]);
  });

  it('refuses a paused Deployment', async () => {
    k8s.seed({ ...deploymentManifest('paused', 'p:1', 1), spec: { ...deploymentManifest('paused', 'p:1', 1).spec, paused: true } });
    const { action } = setup();
    const run = await runAction(action, { ...input, name: 'paused' });
    expect(run.error?.message).toBe('name: ms5/deployment/paused is paused. Resume it first (kubectl rollout resume); a paused Deployment does not restart its pods');
  });

  it('stops before writing when the task is already cancelled', async () => {
    const { action } = setup();
    const controller = new AbortController();
    controller.abort();
    const run = await runAction(action, input, { signal: controller.signal });
    expect(run.error?.message).toMatch(/^cancelled before restarting ms5\/deployment\/ms5-gateway; nothing of it was done/);
    expect(k8s.writes()).toEqual([]);
  });
});
