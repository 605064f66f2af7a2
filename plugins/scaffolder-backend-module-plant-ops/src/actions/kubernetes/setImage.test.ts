import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, everythingSaid, fixedKubeAccess, runAction } from '../../lib/__testUtils__/actionHarness';
import { createSetImageAction } from './setImage';
import { deploymentManifest, ms5Catalog } from './__testUtils__/fixtures';

describe('plant:kubernetes:set-image', () => {
  let k8s: KubernetesDouble;
  beforeEach(async () => {
    k8s = await startKubernetesDouble({ podReadyDelayMs: 20, progressDeadlineMs: 400 });
    k8s.seed(deploymentManifest('ms5-gateway', 'ms5/gateway:v2.4.0', 2));
    await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'ms5-gateway', d => d.status?.availableReplicas === 2);
    k8s.clearRequests();
  });
  afterEach(() => k8s.stop());

  const setup = () => {
    const auditor = capturingAuditor();
    const kube = fixedKubeAccess(k8s.kubeConfig(), 'ms5-prod-aks');
    const action = createSetImageAction({ auditor, kube, catalog: ms5Catalog(), pollIntervalMs: 10 });
    return { auditor, kube, action };
  };
  const input = { cluster: 'resource:default/ms5-prod-aks', namespace: 'ms5', name: 'ms5-gateway', image: 'ms5/gateway:v2.4.1', timeoutSeconds: 10 };
  const image = () => k8s.get('apps/v1', 'Deployment', 'ms5', 'ms5-gateway').spec.template.spec.containers[0].image;

  it('sets the image, waits for the rollout and says what changed', async () => {
    const { auditor, action } = setup();
    const run = await runAction(action, input);
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({
      cluster: 'ms5-prod-aks',
      workload: 'ms5/deployment/ms5-gateway',
      container: 'ms5-gateway',
      imageBefore: 'ms5/gateway:v2.4.0',
      imageAfter: 'ms5/gateway:v2.4.1',
      changed: true,
      revision: '2',
      rolloutMessage: 'deployment "ms5-gateway" successfully rolled out',
    });
    expect(image()).toBe('ms5/gateway:v2.4.1');
    const patch = k8s.writes()[0];
    expect(patch).toMatchObject({ method: 'PATCH', contentType: 'application/strategic-merge-patch+json' });
    expect(run.checkpoints).toEqual([
      'set-image-before:ms5-prod-aks/ms5/deployment/ms5-gateway:ms5-gateway',
      'set-image:ms5-prod-aks/ms5/deployment/ms5-gateway:ms5-gateway:ms5/gateway:v2.4.1',
    ]);
    expect(auditor.events[0]).toMatchObject({
      meta: { action: 'plant:kubernetes:set-image', target: 'ms5-prod-aks/ms5/deployment/ms5-gateway', actor: 'user:default/jane.doe', dryRun: false },
      outcome: 'success',
    });
    expect(everythingSaid(run, auditor)).not.toContain(k8s.token);
  });

  it('plans in a dry run, reading only', async () => {
    const { auditor, action } = setup();
    const run = await runAction(action, input, { dryRun: true });
    expect(run.error).toBeUndefined();
    expect(k8s.writes()).toEqual([]);
    expect(k8s.requests.length).toBeGreaterThan(0);
    expect(run.output).toMatchObject({ imageBefore: 'ms5/gateway:v2.4.0', imageAfter: 'ms5/gateway:v2.4.1', changed: false });
    expect(run.logs.join('\n')).toContain('[dry run] ms5/deployment/ms5-gateway on ms5-prod-aks: would set ms5-gateway from ms5/gateway:v2.4.0 to ms5/gateway:v2.4.1');
    expect(auditor.events[0]).toMatchObject({ severityLevel: 'low', meta: { dryRun: true }, outcome: 'success' });
  });

  it('plans the same with the dryRun input in a normal task (the form\'s Dry-run checkbox)', async () => {
    const { auditor, action } = setup();
    const run = await runAction(action, { ...input, dryRun: true });
    expect(run.error).toBeUndefined();
    expect(k8s.writes()).toEqual([]);
    expect(image()).toBe('ms5/gateway:v2.4.0');
    expect(run.checkpoints).toEqual([]);
    expect(run.output).toMatchObject({ imageBefore: 'ms5/gateway:v2.4.0', imageAfter: 'ms5/gateway:v2.4.1', changed: false });
    expect(run.logs.join('\n')).toContain('[dry run] ms5/deployment/ms5-gateway on ms5-prod-aks: would set ms5-gateway from ms5/gateway:v2.4.0 to ms5/gateway:v2.4.1');
    expect(auditor.events[0]).toMatchObject({ severityLevel: 'low', meta: { dryRun: true }, outcome: 'success' });
  });

  it('fails on ProgressDeadlineExceeded, saying what it changed', async () => {
    const { auditor, action } = setup();
    const run = await runAction(action, { ...input, image: 'ms5/gateway:broken' });
    expect(run.error?.message).toMatch(
      /^deployment "ms5-gateway" exceeded its progress deadline \(2 updated, 2 available of 4 on ms5-prod-aks\)\. The image of ms5-gateway was changed from ms5\/gateway:v2\.4\.0 to ms5\/gateway:broken\. Undo it with plant:kubernetes:rollout-undo/,
    );
    expect(image()).toBe('ms5/gateway:broken');
    expect(auditor.events[0].outcome).toBe('failure');
  });

  it('sets the previous image back when undoOnFailure is on', async () => {
    const { action } = setup();
    const run = await runAction(action, { ...input, image: 'ms5/gateway:broken', undoOnFailure: true });
    expect(run.error?.message).toContain('undoOnFailure set the image back to ms5/gateway:v2.4.0');
    expect(image()).toBe('ms5/gateway:v2.4.0');
    await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'ms5-gateway', d => d.status?.availableReplicas === 2 && d.status?.replicas === 2);
  });

  it('does not write again when a retried task replays its checkpoint', async () => {
    const { action } = setup();
    const cache = new Map<string, unknown>();
    await runAction(action, input, { checkpointCache: cache });
    k8s.clearRequests();
    const again = await runAction(action, input, { checkpointCache: cache });
    expect(again.error).toBeUndefined();
    expect(again.output).toMatchObject({ imageBefore: 'ms5/gateway:v2.4.0', imageAfter: 'ms5/gateway:v2.4.1', changed: true });
    expect(k8s.writes()).toEqual([]);
  });

  it('stops waiting when the task is cancelled', async () => {
    const { action } = setup();
    k8s.breakImage('ms5/gateway:v9');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const run = await runAction(action, { ...input, image: 'ms5/gateway:v9', timeoutSeconds: 600 }, { signal: controller.signal });
    expect(run.error?.message).toMatch(/^cancelled while waiting for the rollout of deployment "ms5-gateway"/);
    expect(run.error?.message).toContain('The image of ms5-gateway was changed from ms5/gateway:v2.4.0 to ms5/gateway:v9');
  });

  it('resolves the workload from a catalog entity', async () => {
    const { kube, action } = setup();
    const run = await runAction(action, { entityRef: 'component:default/ms5-gateway', image: 'ms5/gateway:v2.4.1', timeoutSeconds: 10 });
    expect(run.error).toBeUndefined();
    expect(kube.asked).toEqual(['ms5-prod-aks']);
    expect(image()).toBe('ms5/gateway:v2.4.1');
  });

  it.each([
    [{ image: 'ms5/gateway' }, 'image: "ms5/gateway" has no tag or digest. Pin a version'],
    [{ image: 'MS5 gateway:1' }, 'image: "MS5 gateway:1" is not an image reference'],
    [{ container: 'sidecar' }, 'container: Deployment ms5-gateway has no container "sidecar". Use one of ms5-gateway'],
    [{ name: 'ms5-gatewy' }, 'name: Deployment ms5/ms5-gatewy does not exist on cluster ms5-prod-aks'],
    [{ namespace: undefined }, 'namespace: is missing'],
    [{ timeoutSeconds: 0 }, 'timeoutSeconds:'],
    [{ kind: 'Pod' }, 'kind:'],
  ])('refuses bad input %p naming the field', async (patch, message) => {
    const { action } = setup();
    const run = await runAction(action, { ...input, ...patch } as any);
    expect(run.error?.message).toContain(message);
    expect(k8s.writes()).toEqual([]);
  });

  it('asks which container when there are several', async () => {
    k8s.seed(deploymentManifest('ms5-telemetry', 'ms5/telemetry:1', 1, [{ name: 'envoy', image: 'envoy:1.30' }]));
    const { action } = setup();
    const run = await runAction(action, { ...input, name: 'ms5-telemetry' });
    expect(run.error?.message).toBe('container: Deployment ms5-telemetry has 2 containers (ms5-telemetry, envoy). Say which container to update');
  });
});
