import { ConfigReader } from '@backstage/config';
import { startArgoCdDouble, type ArgoCdDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, everythingSaid, runAction } from '../../lib/__testUtils__/actionHarness';
import { createArgocdRollbackAction } from './rollback';

describe('plant:argocd:rollback', () => {
  let argo: ArgoCdDouble;
  beforeEach(async () => {
    argo = await startArgoCdDouble({ syncDelayMs: 40 });
    argo.seed({ name: 'iip-core', history: ['r0', 'r1', 'r2'], autoSync: true }, { name: 'manual', history: ['m0', 'm1'] });
  });
  afterEach(() => argo.stop());

  const setup = () => {
    const auditor = capturingAuditor();
    const config = new ConfigReader({ plant: { argocd: { instances: [{ name: 'iip', url: argo.url, token: argo.token }] } } });
    return { auditor, action: createArgocdRollbackAction({ auditor, config, pollIntervalMs: 10 }) };
  };

  it('refuses clearly while automated sync is on, touching nothing', async () => {
    const { action } = setup();
    const run = await runAction(action, { appName: 'iip-core', historyId: 1 });
    expect(run.error?.message).toBe(
      'disableAutoSync: iip-core has automated sync on, and ArgoCD refuses a rollback while it is (the next auto-sync would undo it). Set disableAutoSync: true to turn it off for the rollback (it stays off until the fix is in Git), or revert the commit in Git and sync instead',
    );
    expect(argo.writes()).toEqual([]);
    expect(argo.app('iip-core').spec.syncPolicy.automated).toBeDefined();
  });

  it('turns automated sync off when asked, rolls back and waits for Healthy', async () => {
    const { auditor, action } = setup();
    const run = await runAction(action, { appName: 'iip-core', historyId: 1, disableAutoSync: true, timeoutSeconds: 10 });
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({
      instance: 'iip',
      appName: 'iip-core',
      revisionBefore: 'r2',
      revisionAfter: 'r1',
      historyId: 1,
      autoSyncDisabled: true,
      healthStatus: 'Healthy',
      syncStatus: 'OutOfSync',
    });
    expect(argo.writes().map(w => `${w.method} ${w.path}`)).toEqual(['PATCH /api/v1/applications/iip-core', 'PUT /api/v1/applications/iip-core/rollback']);
    expect(argo.writes()[1].body).toMatchObject({ id: 1, prune: false, dryRun: false });
    expect(argo.app('iip-core').spec.syncPolicy.automated).toBeUndefined();
    expect(run.logs.join('\n')).toContain('Turned automated sync of iip-core off (was {"prune":true,"selfHeal":true})');
    expect(auditor.events[0]).toMatchObject({ meta: { historyId: 1, disableAutoSync: true }, outcome: 'success' });
    expect(everythingSaid(run, auditor)).not.toContain(argo.token);
  });

  it('a retried task does not roll back twice and still says it turned automated sync off', async () => {
    const { action } = setup();
    const cache = new Map<string, unknown>();
    await runAction(action, { appName: 'iip-core', historyId: 1, disableAutoSync: true, timeoutSeconds: 10 }, { checkpointCache: cache });
    argo.clearRequests();
    const retry = await runAction(action, { appName: 'iip-core', historyId: 1, disableAutoSync: true, timeoutSeconds: 10 }, { checkpointCache: cache });
    expect(retry.error).toBeUndefined();
    expect(retry.output).toMatchObject({ autoSyncDisabled: true, revisionAfter: 'r1' });
    expect(argo.writes()).toEqual([]);
  });

  it('plans in a dry run without writing', async () => {
    const { action } = setup();
    const run = await runAction(action, { appName: 'iip-core', historyId: 0, disableAutoSync: true }, { dryRun: true });
    expect(run.error).toBeUndefined();
    expect(argo.writes()).toEqual([]);
    expect(run.logs.join('\n')).toContain('[dry run] would turn automated sync off, then roll iip-core back from r2 to history id 0 (r0) on ArgoCD iip');
    expect(run.output).toMatchObject({ revisionAfter: 'r0', autoSyncDisabled: false });
  });

  it('names historyId and the ids there are when the id is unknown', async () => {
    const { action } = setup();
    const run = await runAction(action, { appName: 'manual', historyId: 5 });
    expect(run.error?.message).toMatch(/^historyId: manual has no deployment with history id 5\. Use one of 0 \(m0, .*\), 1 \(m1, .*\)$/);
  });

  it('puts automated sync back when ArgoCD refuses the rollback itself', async () => {
    argo.failNext('/api/v1/applications/iip-core/rollback', { code: 500, message: 'rpc error: repository not accessible' });
    const { action } = setup();
    const run = await runAction(action, { appName: 'iip-core', historyId: 1, disableAutoSync: true, timeoutSeconds: 10 });
    expect(run.error?.message).toBe(
      'ArgoCD iip: rolling back application iip-core to history id 1 failed: 500 rpc error: repository not accessible. Nothing was changed (automated sync was turned off and back on)',
    );
    expect(argo.app('iip-core').spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  it('says what it changed when the rolled-back app ends Degraded', async () => {
    argo.setSyncOutcome('iip-core', 'degraded', 'Deployment "iip-core" exceeded its progress deadline');
    const { action } = setup();
    const run = await runAction(action, { appName: 'iip-core', historyId: 0, disableAutoSync: true, timeoutSeconds: 10 });
    expect(run.error?.message).toMatch(/^iip-core is Degraded after the sync: .*The rollback of iip-core to history id 0 \(r0\) was started at .*\. Automated sync of iip-core was turned off by this step \(was \{"prune":true,"selfHeal":true\}\)\.$/);
  });
});
