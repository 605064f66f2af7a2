import { ConfigReader } from '@backstage/config';
import { startArgoCdDouble, type ArgoCdDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, everythingSaid, runAction } from '../../lib/__testUtils__/actionHarness';
import { ms5Catalog } from '../kubernetes/__testUtils__/fixtures';
import { createArgocdSyncAction } from './sync';

describe('plant:argocd:sync', () => {
  let argo: ArgoCdDouble;
  beforeEach(async () => {
    argo = await startArgoCdDouble({ syncDelayMs: 40 });
    argo.seed({ name: 'ms5-gateway', history: ['aaa111'] });
    argo.pushRevision('ms5-gateway', 'bbb222');
  });
  afterEach(() => argo.stop());

  const setup = () => {
    const auditor = capturingAuditor();
    const config = new ConfigReader({ plant: { argocd: { instances: [{ name: 'ms5', url: argo.url, token: argo.token }] } } });
    return { auditor, action: createArgocdSyncAction({ auditor, config, catalog: ms5Catalog(), pollIntervalMs: 10 }) };
  };

  it('syncs, waits for Synced and Healthy, and reports the deployment', async () => {
    const { auditor, action } = setup();
    const run = await runAction(action, { entityRef: 'component:default/ms5-gateway', prune: true, timeoutSeconds: 10 });
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({
      instance: 'ms5',
      appName: 'ms5-gateway',
      revisionBefore: 'aaa111',
      revisionAfter: 'bbb222',
      syncStatus: 'Synced',
      healthStatus: 'Healthy',
      historyId: 1,
    });
    expect(argo.writes().map(w => `${w.method} ${w.path}`)).toEqual(['POST /api/v1/applications/ms5-gateway/sync']);
    expect(argo.writes()[0].body).toMatchObject({ prune: true });
    expect(auditor.events[0]).toMatchObject({ meta: { action: 'plant:argocd:sync', target: 'ms5/ms5-gateway', actor: 'user:default/jane.doe' }, outcome: 'success' });
    expect(everythingSaid(run, auditor)).not.toContain(argo.token);
  });

  it('plans a dry run with reads only', async () => {
    const { action } = setup();
    const run = await runAction(action, { appName: 'ms5-gateway' }, { dryRun: true });
    expect(run.error).toBeUndefined();
    expect(argo.writes()).toEqual([]);
    expect(run.output).toMatchObject({ syncStatus: 'OutOfSync', historyId: -1 });
    expect(run.logs.join('\n')).toContain('[dry run] would sync ms5-gateway on ArgoCD ms5 to HEAD (now: sync OutOfSync at aaa111');
  });

  it('plans with reads only when the dryRun input asks, in a normal task', async () => {
    const { auditor, action } = setup();
    const run = await runAction(action, { appName: 'ms5-gateway', dryRun: true });
    expect(run.error).toBeUndefined();
    expect(argo.requests.filter(r => r.method !== 'GET')).toEqual([]);
    expect(run.checkpoints).toEqual([]);
    expect(run.output).toMatchObject({ revisionBefore: 'aaa111', syncStatus: 'OutOfSync', historyId: -1 });
    expect(auditor.events[0]).toMatchObject({ meta: { action: 'plant:argocd:sync', dryRun: true }, outcome: 'success' });
  });

  it("fails with the app's conditions when the sync fails or the app ends Degraded", async () => {
    const { auditor, action } = setup();
    argo.setSyncOutcome('ms5-gateway', 'failed', 'one or more objects failed to apply, reason: Deployment.apps "ms5-gateway" is invalid');
    const failed = await runAction(action, { appName: 'ms5-gateway', timeoutSeconds: 10 });
    expect(failed.error?.message).toMatch(/^sync of ms5-gateway failed: .*conditions SyncError: one or more objects failed to apply, reason: Deployment\.apps "ms5-gateway" is invalid\. The sync of ms5-gateway to HEAD was started at .* \(revision before: aaa111\)\. To go back to what ran before, run plant:argocd:rollback with historyId 0\.$/);
    expect(auditor.events[0].outcome).toBe('failure');

    argo.setSyncOutcome('ms5-gateway', 'degraded', 'Deployment "ms5-gateway" exceeded its progress deadline');
    const degraded = await runAction(action, { appName: 'ms5-gateway', timeoutSeconds: 10 }, { taskId: 'task-2' });
    expect(degraded.error?.message).toContain('ms5-gateway is Degraded after the sync: sync Synced at bbb222, health Degraded (Deployment "ms5-gateway" exceeded its progress deadline)');
    expect(degraded.output.healthStatus).toBe('Degraded');
    // the degraded sync is history id 1; what ran before is id 0
    expect(degraded.error?.message).toMatch(/run plant:argocd:rollback with historyId 0\.$/);
  });

  it('times out with the state it saw', async () => {
    argo.setSyncOutcome('ms5-gateway', 'hang');
    const { action } = setup();
    const run = await runAction(action, { appName: 'ms5-gateway', timeoutSeconds: 1 });
    expect(run.error?.message).toMatch(/^timed out after 1 s waiting for ms5-gateway to be Synced and Healthy: sync OutOfSync at aaa111, health Progressing, operation Running: one or more tasks are running/);
  });

  it('does not start a second sync on retry, and stops when cancelled', async () => {
    const { action } = setup();
    const cache = new Map<string, unknown>();
    await runAction(action, { appName: 'ms5-gateway', timeoutSeconds: 10 }, { checkpointCache: cache });
    argo.clearRequests();
    const retry = await runAction(action, { appName: 'ms5-gateway', timeoutSeconds: 10 }, { checkpointCache: cache });
    expect(retry.error).toBeUndefined();
    expect(argo.writes()).toEqual([]);

    argo.setSyncOutcome('ms5-gateway', 'hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 60);
    const cancelled = await runAction(action, { appName: 'ms5-gateway', timeoutSeconds: 600 }, { signal: controller.signal, taskId: 'task-3' });
    expect(cancelled.error?.message).toMatch(/^cancelled while waiting for ms5-gateway: /);
  });

  it.each([
    [{ appName: 'nope' }, 'appName: ArgoCD ms5 has no application "nope"'],
    [{ appName: 'Bad Name' }, 'appName: "Bad Name" is not an ArgoCD application name'],
    [{}, 'appName: is missing'],
    [{ appName: 'ms5-gateway', instance: 'iip' }, 'instance: no ArgoCD instance "iip". Use one of ms5'],
    [{ appName: 'ms5-gateway', revision: 'a b' }, 'revision: "a b" is not a Git revision'],
  ])('refuses bad input %p naming the field', async (input, message) => {
    const { action } = setup();
    const run = await runAction(action, input as any);
    expect(run.error?.message).toContain(message);
    expect(argo.writes()).toEqual([]);
  });
});
