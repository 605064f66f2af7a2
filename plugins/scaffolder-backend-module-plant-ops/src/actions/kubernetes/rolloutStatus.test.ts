import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, fixedKubeAccess, runAction } from '../../lib/__testUtils__/actionHarness';
import { createRolloutStatusAction } from './rolloutStatus';
import { deploymentManifest } from './__testUtils__/fixtures';

describe('plant:kubernetes:rollout-status', () => {
  let k8s: KubernetesDouble;
  beforeEach(async () => {
    // pods take 400 ms to turn ready, so the action sees the rollout in progress
    k8s = await startKubernetesDouble({ podReadyDelayMs: 400, progressDeadlineMs: 1500 });
  });
  afterEach(() => k8s.stop());
  const setup = () => {
    const auditor = capturingAuditor();
    return { auditor, action: createRolloutStatusAction({ auditor, kube: fixedKubeAccess(k8s.kubeConfig(), 'ms5-prod-aks'), pollIntervalMs: 10 }) };
  };
  const input = { cluster: 'ms5-prod-aks', namespace: 'ms5', name: 'oee', timeoutSeconds: 10 };

  it('waits until the rollout is complete', async () => {
    k8s.seed(deploymentManifest('oee', 'oee:1', 3));
    const { auditor, action } = setup();
    const run = await runAction(action, input);
    expect(run.error).toBeUndefined();
    expect(run.output).toMatchObject({ done: true, message: 'deployment "oee" successfully rolled out', replicas: 3, updatedReplicas: 3, availableReplicas: 3, revision: '1' });
    // it saw the rollout in progress on the way
    expect(run.logs.some(l => l.includes('Waiting for deployment') || l.includes('spec update'))).toBe(true);
    expect(k8s.writes()).toEqual([]);
    expect(auditor.events[0]).toMatchObject({ meta: { target: 'ms5-prod-aks/ms5/deployment/oee' }, outcome: 'success' });
  });

  it('fails on ProgressDeadlineExceeded', async () => {
    k8s.seed(deploymentManifest('oee', 'oee:broken', 2));
    const { auditor, action } = setup();
    const run = await runAction(action, input);
    expect(run.error?.message).toBe('deployment "oee" exceeded its progress deadline (2 updated, 0 available of 2 on ms5-prod-aks). This step changes nothing.');
    expect(auditor.events[0].outcome).toBe('failure');
  });

  it('reports without waiting in a dry run, and for StatefulSets', async () => {
    k8s.seed(deploymentManifest('oee', 'oee:1', 2), {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'ms5-kafka', namespace: 'ms5' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'kafka' } }, template: { metadata: { labels: { app: 'kafka' } }, spec: { containers: [{ name: 'kafka', image: 'kafka:4' }] } } },
    });
    const { action } = setup();
    const dry = await runAction(action, input, { dryRun: true });
    expect(dry.output.done).toBe(false);
    expect(dry.logs.join('\n')).toContain('[dry run] ');
    await k8s.waitFor('apps/v1', 'StatefulSet', 'ms5', 'ms5-kafka', s => s.status?.readyReplicas === 3);
    const sts = await runAction(action, { ...input, name: 'ms5-kafka', kind: 'StatefulSet', wait: false });
    expect(sts.output).toMatchObject({ done: true, workload: 'ms5/statefulset/ms5-kafka', replicas: 3 });
    expect(String(sts.output.message)).toMatch(/^statefulset rolling update complete 3 pods at revision ms5-kafka-/);
  });

  it('times out with the last status line', async () => {
    await k8s.stop();
    k8s = await startKubernetesDouble({ podReadyDelayMs: 30, progressDeadlineMs: 60_000 });
    k8s.breakImage('oee:2');
    k8s.seed(deploymentManifest('oee', 'oee:2', 1));
    const { action } = setup();
    const run = await runAction(action, { ...input, timeoutSeconds: 1 });
    expect(run.error?.message).toMatch(/^timed out after 1 s waiting for the rollout of deployment "oee": Waiting for deployment "oee" rollout to finish: 0 of 1 updated replicas are available\.\.\./);
  });
});
