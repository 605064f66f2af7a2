import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { AppsV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { capturingAuditor, fixedKubeAccess, runAction } from '../../lib/__testUtils__/actionHarness';
import { createRolloutUndoAction } from './rolloutUndo';
import { deploymentManifest } from './__testUtils__/fixtures';

describe('plant:kubernetes:rollout-undo', () => {
  let k8s: KubernetesDouble;
  const image = () => k8s.get('apps/v1', 'Deployment', 'ms5', 'dms-service').spec.template.spec.containers[0].image;
  const available = () => k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'dms-service', d =>
    d.status?.observedGeneration === d.metadata.generation && d.status?.updatedReplicas === 2 && d.status?.replicas === 2 && d.status?.availableReplicas === 2);

  beforeEach(async () => {
    k8s = await startKubernetesDouble({ podReadyDelayMs: 20, progressDeadlineMs: 400 });
    k8s.seed(deploymentManifest('dms-service', 'ms5/dms:1.0', 2));
    await available();
    const apps = k8s.kubeConfig().makeApiClient(AppsV1Api);
    for (const v of ['1.1', '1.2']) {
      await apps.patchNamespacedDeployment(
        { name: 'dms-service', namespace: 'ms5', body: { spec: { template: { spec: { containers: [{ name: 'dms-service', image: `ms5/dms:${v}` }] } } } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
      await available();
    }
    k8s.clearRequests();
  });
  afterEach(() => k8s.stop());

  const setup = () => {
    const auditor = capturingAuditor();
    return { auditor, action: createRolloutUndoAction({ auditor, kube: fixedKubeAccess(k8s.kubeConfig(), 'ms5-prod-aks'), pollIntervalMs: 10 }) };
  };
  const input = { cluster: 'ms5-prod-aks', namespace: 'ms5', name: 'dms-service', timeoutSeconds: 10 };

  it('rolls back to the previous revision and waits', async () => {
    const { auditor, action } = setup();
    const run = await runAction(action, input);
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({
      cluster: 'ms5-prod-aks',
      workload: 'ms5/deployment/dms-service',
      fromRevision: 3,
      toRevision: 2,
      imagesBefore: ['dms-service=ms5/dms:1.2'],
      imagesAfter: ['dms-service=ms5/dms:1.1'],
      changed: true,
      revision: '4',
    });
    expect(image()).toBe('ms5/dms:1.1');
    expect(k8s.writes().map(w => w.contentType)).toEqual(['application/json-patch+json']);
    expect(auditor.events[0]).toMatchObject({ meta: { fromRevision: 3, toRevision: 2 }, outcome: 'success' });
  });

  it('plans a dry run without writing, to a given revision', async () => {
    const { action } = setup();
    const run = await runAction(action, { ...input, toRevision: 1 }, { dryRun: true });
    expect(run.error).toBeUndefined();
    expect(k8s.writes()).toEqual([]);
    expect(run.output).toMatchObject({ toRevision: 1, imagesAfter: ['dms-service=ms5/dms:1.0'], changed: false });
    expect(run.logs.join('\n')).toContain('[dry run] ms5/deployment/dms-service on ms5-prod-aks: would roll back revision 3 (dms-service=ms5/dms:1.2) -> template of revision 1 (dms-service=ms5/dms:1.0)');
  });

  it('names toRevision and the revisions there are when the revision is unknown', async () => {
    const { action } = setup();
    const run = await runAction(action, { ...input, toRevision: 7 });
    expect(run.error?.message).toBe('toRevision: unable to find specified revision 7 in history. Use one of the revisions in history: 1, 2, 3');
    expect(k8s.writes()).toEqual([]);
  });

  it('is not repeated by a retried task', async () => {
    const { action } = setup();
    const cache = new Map<string, unknown>();
    await runAction(action, input, { checkpointCache: cache });
    expect(image()).toBe('ms5/dms:1.1');
    k8s.clearRequests();
    // the retry keeps the plan it made (3 -> 2) instead of planning again from revision 4, so it does not undo the undo
    const again = await runAction(action, input, { checkpointCache: cache });
    expect(again.error).toBeUndefined();
    expect(again.checkpoints).toEqual(['rollout-undo-plan:ms5-prod-aks/ms5/deployment/dms-service:0', 'rollout-undo:ms5-prod-aks/ms5/deployment/dms-service:3->2']);
    expect(k8s.writes()).toEqual([]);
    expect(image()).toBe('ms5/dms:1.1');
  });

  it('fails on ProgressDeadlineExceeded, saying what it changed', async () => {
    k8s.breakImage('ms5/dms:1.1');
    const { action } = setup();
    const run = await runAction(action, input);
    expect(run.error?.message).toMatch(/^deployment "dms-service" exceeded its progress deadline .*The Deployment was rolled back to the template of revision 2 \(dms-service=ms5\/dms:1\.1\)\.$/);
  });
});
