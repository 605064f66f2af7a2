import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, fixedKubeAccess, runAction } from '../../lib/__testUtils__/actionHarness';
import { createScaleAction } from './scale';
import { deploymentManifest } from './__testUtils__/fixtures';

describe('plant:kubernetes:scale', () => {
  let k8s: KubernetesDouble;
  beforeEach(async () => {
    k8s = await startKubernetesDouble({ podReadyDelayMs: 20, progressDeadlineMs: 1000 });
    k8s.seed(deploymentManifest('ms5-gateway', 'ms5/gateway:1', 3));
    await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'ms5-gateway', d => d.status?.availableReplicas === 3);
    k8s.clearRequests();
  });
  afterEach(() => k8s.stop());
  const setup = () => {
    const auditor = capturingAuditor();
    return { auditor, action: createScaleAction({ auditor, kube: fixedKubeAccess(k8s.kubeConfig(), 'ms5-prod-aks'), pollIntervalMs: 10 }) };
  };
  const input = { cluster: 'ms5-prod-aks', namespace: 'ms5', name: 'ms5-gateway', replicas: 5, timeoutSeconds: 10 };

  it('scales through the scale subresource and waits for the replicas', async () => {
    const { auditor, action } = setup();
    const run = await runAction(action, input);
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({ cluster: 'ms5-prod-aks', workload: 'ms5/deployment/ms5-gateway', replicasBefore: 3, replicasAfter: 5, changed: true, availableReplicas: 5 });
    expect(k8s.writes().map(w => `${w.method} ${w.path}`)).toEqual(['PUT /apis/apps/v1/namespaces/ms5/deployments/ms5-gateway/scale']);
    expect(k8s.list('v1', 'Pod', 'ms5')).toHaveLength(5);
    expect(auditor.events[0]).toMatchObject({ meta: { replicasBefore: 3, replicasAfter: 5 }, outcome: 'success' });
  });

  it('a retried task neither scales again nor trips over its own change', async () => {
    const { action } = setup();
    const cache = new Map<string, unknown>();
    await runAction(action, { ...input, expectedReplicas: 3 }, { checkpointCache: cache });
    k8s.clearRequests();
    const retry = await runAction(action, { ...input, expectedReplicas: 3 }, { checkpointCache: cache });
    expect(retry.error).toBeUndefined();
    expect(retry.output).toMatchObject({ replicasBefore: 3, replicasAfter: 5, changed: true });
    expect(k8s.writes()).toEqual([]);
  });

  it('plans in a dry run without writing', async () => {
    const { action } = setup();
    const run = await runAction(action, { ...input, replicas: 0 }, { dryRun: true });
    expect(run.output).toMatchObject({ replicasBefore: 3, replicasAfter: 0, changed: false, availableReplicas: 3 });
    expect(run.logs.join('\n')).toContain('[dry run] ms5/deployment/ms5-gateway on ms5-prod-aks: would scale from 3 to 0 replicas');
    expect(k8s.writes()).toEqual([]);
  });

  it('refuses when the count is not the expected one, and bad counts', async () => {
    const { action } = setup();
    const moved = await runAction(action, { ...input, expectedReplicas: 2 });
    expect(moved.error?.message).toBe(
      'expectedReplicas: ms5/deployment/ms5-gateway runs 3 replicas, not 2. Someone scaled it meanwhile: check why, then set expectedReplicas to the current count or leave it out',
    );
    const negative = await runAction(action, { ...input, replicas: -1 });
    expect(negative.error?.message).toMatch(/^replicas: /);
    const missing = await runAction(action, { cluster: 'ms5-prod-aks', namespace: 'ms5', name: 'ms5-gateway' });
    expect(missing.error?.message).toMatch(/^replicas: required/);
    expect(k8s.writes()).toEqual([]);
  });

  it('says what it changed when the new replicas never become available', async () => {
    await k8s.stop();
    k8s = await startKubernetesDouble({ podReadyDelayMs: 20, progressDeadlineMs: 300 });
    k8s.breakImage('ms5/gateway:bad');
    k8s.seed(deploymentManifest('ms5-gateway', 'ms5/gateway:bad', 0));
    const { action } = setup();
    const run = await runAction(action, { ...input, replicas: 2 });
    expect(run.error?.message).toBe(
      'deployment "ms5-gateway" exceeded its progress deadline (2 updated, 0 available of 2 on ms5-prod-aks). ms5/deployment/ms5-gateway was scaled from 0 to 2 replicas.',
    );
  });
});
