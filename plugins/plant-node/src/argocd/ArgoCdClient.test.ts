import { ConfigReader } from '@backstage/config';
import { startArgoCdDouble, type ArgoCdDouble } from '../testing';
import { ArgoCdClient, ArgoCdError, ArgoCdSyncError } from './ArgoCdClient';

describe('ArgoCdClient against the ArgoCD double', () => {
  let argo: ArgoCdDouble;
  let client: ArgoCdClient;
  beforeEach(async () => {
    argo = await startArgoCdDouble({ syncDelayMs: 30 });
    client = ArgoCdClient.fromConfig(new ConfigReader({ plant: { argocd: { instances: [{ name: 'ms5', url: argo.url, token: argo.token }] } } }));
  });
  afterEach(() => argo.stop());

  it('picks the instance from config and names the field when it cannot', () => {
    const two = new ConfigReader({ plant: { argocd: { instances: [{ name: 'a', url: 'http://a', token: 't' }, { name: 'b', url: 'http://b', token: 't' }] } } });
    expect(ArgoCdClient.fromConfig(two, 'b').name).toBe('b');
    expect(() => ArgoCdClient.fromConfig(two)).toThrow('instance: 2 ArgoCD instances are configured, cannot pick one. Use one of a, b');
    expect(() => ArgoCdClient.fromConfig(two, 'c', 'argocdInstance')).toThrow('argocdInstance: no ArgoCD instance "c"');
  });

  it('syncs and waits for Synced and Healthy', async () => {
    argo.seed({ name: 'oee-api', history: ['r1'] });
    argo.pushRevision('oee-api', 'r2');
    const started = await client.sync('oee-api', { prune: true });
    const app = await client.waitForSync('oee-api', { timeoutMs: 5000, intervalMs: 10, startedAfter: started.status?.operationState?.startedAt });
    expect(app.status?.sync).toMatchObject({ status: 'Synced', revision: 'r2' });
    expect(argo.requests.find(r => r.path.endsWith('/sync'))?.body).toMatchObject({ prune: true });
  });

  it('puts the app state and conditions in the error of a failed, degraded or timed-out sync', async () => {
    argo.seed({ name: 'a' }, { name: 'b' }, { name: 'c' });
    argo.setSyncOutcome('a', 'failed', 'Deployment.apps "a" is invalid');
    argo.setSyncOutcome('b', 'degraded', 'Deployment "b" exceeded its progress deadline');
    argo.setSyncOutcome('c', 'hang');
    for (const n of ['a', 'b', 'c']) await client.sync(n);
    const wait = (n: string, timeoutMs = 5000) => client.waitForSync(n, { timeoutMs, intervalMs: 10 }).catch(e => e);
    const a = await wait('a');
    expect(a).toBeInstanceOf(ArgoCdSyncError);
    expect(a.message).toContain('conditions SyncError: Deployment.apps "a" is invalid');
    expect((await wait('b')).message).toBe(
      'b is Degraded after the sync: sync Synced at ' +
        argo.app('b').status.sync.revision.slice(0, 12) +
        ', health Degraded (Deployment "b" exceeded its progress deadline), operation Succeeded: successfully synced (all tasks run)',
    );
    const c = await wait('c', 100);
    expect(c.reason).toBe('Timeout');
    expect(c.message).toMatch(/^timed out after 0 s waiting for c to be Synced and Healthy: .*operation Running/);
  });

  it("surfaces ArgoCD's refusal to roll back under auto-sync, and rolls back once it is off", async () => {
    argo.seed({ name: 'gw', history: ['r1', 'r2'], autoSync: true });
    const refused = await client.rollback('gw', 0).catch(e => e);
    expect(refused).toBeInstanceOf(ArgoCdError);
    expect(refused.message).toBe('ArgoCD ms5: rolling back application gw to history id 0 failed: 400 rollback cannot be initiated when auto-sync is enabled');
    expect(refused.message).not.toContain(argo.token);
    await client.setAutomatedSync('gw', null);
    await client.rollback('gw', 0);
    const app = await client.waitForSync('gw', { timeoutMs: 5000, intervalMs: 10, expectSynced: false });
    expect(app.status?.sync?.revision).toBe('r1');
    const restored = await client.setAutomatedSync('gw', { prune: true, selfHeal: true });
    expect(restored.spec.syncPolicy?.automated).toEqual({ prune: true, selfHeal: true });
  });
});
