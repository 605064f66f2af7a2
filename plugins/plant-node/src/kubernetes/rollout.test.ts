import { AppsV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startKubernetesDouble, type KubernetesDouble } from '../testing';
import {
  applyRolloutUndo,
  deploymentRolloutState,
  planRolloutUndo,
  RolloutError,
  rolloutRestart,
  scaleWorkload,
  waitForRollout,
} from './rollout';

const deployment = (name: string, image: string, replicas = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'ms5' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
  },
});

describe('rollout helpers against the Kubernetes double', () => {
  let k8s: KubernetesDouble;
  let apps: AppsV1Api;
  beforeEach(async () => {
    // A deadline well above the pods' ready delay: on two loaded cores a healthy
    // rollout must not look stuck.
    k8s = await startKubernetesDouble({ podReadyDelayMs: 20, progressDeadlineMs: 2_000 });
    apps = k8s.kubeConfig().makeApiClient(AppsV1Api);
  });
  afterEach(() => k8s.stop());

  const setImage = (name: string, image: string) =>
    apps.patchNamespacedDeployment(
      { name, namespace: 'ms5', body: { spec: { template: { spec: { containers: [{ name, image }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );

  it("follows kubectl's status lines", () => {
    const d: any = { metadata: { name: 'x', generation: 3 }, spec: { replicas: 3 }, status: { observedGeneration: 2 } };
    expect(deploymentRolloutState(d).message).toBe('Waiting for deployment spec update to be observed...');
    d.status = { observedGeneration: 3, replicas: 4, updatedReplicas: 2, availableReplicas: 3 };
    expect(deploymentRolloutState(d).message).toBe('Waiting for deployment "x" rollout to finish: 2 out of 3 new replicas have been updated...');
    d.status.updatedReplicas = 3;
    expect(deploymentRolloutState(d).message).toBe('Waiting for deployment "x" rollout to finish: 1 old replicas are pending termination...');
    d.status = { observedGeneration: 3, replicas: 3, updatedReplicas: 3, availableReplicas: 2 };
    expect(deploymentRolloutState(d).message).toBe('Waiting for deployment "x" rollout to finish: 2 of 3 updated replicas are available...');
    d.status.availableReplicas = 3;
    expect(deploymentRolloutState(d)).toMatchObject({ done: true, message: 'deployment "x" successfully rolled out' });
    d.status.conditions = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }];
    expect(deploymentRolloutState(d)).toMatchObject({ done: false, failed: true });
  });

  it('waits for a rollout to finish and fails on ProgressDeadlineExceeded', async () => {
    k8s.seed(deployment('oee', 'oee:1'));
    const done = await waitForRollout(apps, 'Deployment', 'ms5', 'oee', { timeoutMs: 10_000, intervalMs: 20 });
    expect(done).toMatchObject({ done: true, availableReplicas: 2, revision: '1' });
    await setImage('oee', 'oee:broken');
    const err = await waitForRollout(apps, 'Deployment', 'ms5', 'oee', { timeoutMs: 10_000, intervalMs: 20 }).catch(e => e);
    expect(err).toBeInstanceOf(RolloutError);
    expect(err.reason).toBe('ProgressDeadlineExceeded');
    expect(err.message).toBe('deployment "oee" exceeded its progress deadline');
  });

  it('times out with the last status line, and stops when cancelled', async () => {
    await k8s.stop();
    k8s = await startKubernetesDouble({ podReadyDelayMs: 20, progressDeadlineMs: 60_000 });
    apps = k8s.kubeConfig().makeApiClient(AppsV1Api);
    k8s.seed(deployment('slow', 'slow:1'));
    await waitForRollout(apps, 'Deployment', 'ms5', 'slow', { timeoutMs: 5000, intervalMs: 20 });
    k8s.breakImage('slow:2');
    await setImage('slow', 'slow:2');
    await expect(waitForRollout(apps, 'Deployment', 'ms5', 'slow', { timeoutMs: 100, intervalMs: 20 })).rejects.toThrow(
      /^timed out after 0 s waiting for the rollout of deployment "slow": Waiting for deployment "slow" rollout to finish/,
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const err = await waitForRollout(apps, 'Deployment', 'ms5', 'slow', { timeoutMs: 60_000, intervalMs: 1000, signal: controller.signal }).catch(e => e);
    expect(err.reason).toBe('Cancelled');
  });

  it('undoes to the previous revision by copying its ReplicaSet template, and to a given revision', async () => {
    k8s.seed(deployment('api', 'api:1'));
    await waitForRollout(apps, 'Deployment', 'ms5', 'api', { timeoutMs: 5000, intervalMs: 20 });
    for (const v of ['api:2', 'api:3']) {
      await setImage('api', v);
      await waitForRollout(apps, 'Deployment', 'ms5', 'api', { timeoutMs: 5000, intervalMs: 20 });
    }
    const plan = await planRolloutUndo(apps, 'ms5', 'api');
    expect(plan).toMatchObject({ fromRevision: 3, toRevision: 2, fromImages: ['api=api:3'], toImages: ['api=api:2'], noop: false });
    expect(plan.template.metadata?.labels).toEqual({ app: 'api' });
    await applyRolloutUndo(apps, plan);
    const back = await waitForRollout(apps, 'Deployment', 'ms5', 'api', { timeoutMs: 5000, intervalMs: 20 });
    // the old ReplicaSet becomes the newest revision, as with kubectl
    expect(back.revision).toBe('4');
    expect((await apps.readNamespacedDeployment({ name: 'api', namespace: 'ms5' })).spec?.template.spec?.containers[0].image).toBe('api:2');

    await expect(planRolloutUndo(apps, 'ms5', 'api', 9)).rejects.toThrow('unable to find specified revision 9 in history');
    const toFirst = await planRolloutUndo(apps, 'ms5', 'api', 1);
    expect(toFirst.toImages).toEqual(['api=api:1']);
    // a plan made before someone else's change is refused, not applied over it
    await setImage('api', 'api:5');
    await expect(applyRolloutUndo(apps, toFirst)).rejects.toMatchObject({ code: 422 });
  });

  it('restarts by stamping restartedAt and scales through the scale subresource', async () => {
    k8s.seed(deployment('web', 'web:1', 2));
    await waitForRollout(apps, 'Deployment', 'ms5', 'web', { timeoutMs: 5000, intervalMs: 20 });
    const before = k8s.list('v1', 'Pod', 'ms5').map(p => p.metadata.name);
    const { restartedAt, generation } = await rolloutRestart(apps, 'Deployment', 'ms5', 'web', new Date('2026-01-02T03:04:05Z'));
    expect(restartedAt).toBe('2026-01-02T03:04:05Z');
    expect(generation).toBe(2);
    await waitForRollout(apps, 'Deployment', 'ms5', 'web', { timeoutMs: 5000, intervalMs: 20 });
    const after = k8s.list('v1', 'Pod', 'ms5');
    expect(after.map(p => p.metadata.name).some(n => before.includes(n))).toBe(false);
    expect(after[0].metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBe('2026-01-02T03:04:05Z');

    await expect(scaleWorkload(apps, 'Deployment', 'ms5', 'web', 4)).resolves.toEqual({ before: 2, after: 4 });
    await expect(scaleWorkload(apps, 'Deployment', 'ms5', 'web', 1, { expectedReplicas: 2 })).rejects.toThrow('expected 2 replicas of deployment "web", found 4');
    const done = await waitForRollout(apps, 'Deployment', 'ms5', 'web', { timeoutMs: 5000, intervalMs: 20 });
    expect(done.availableReplicas).toBe(4);
  });
});
