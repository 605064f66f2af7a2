import { startArgoCdDouble, ArgoCdDouble } from './ArgoCdDouble';

describe('ArgoCD double over its REST API', () => {
  let argo: ArgoCdDouble;
  const call = async (method: string, path: string, body?: unknown, token = argo.token) => {
    const res = await fetch(`${argo.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const waitPhase = async (name: string, phase: string) => {
    for (let i = 0; i < 200; i++) {
      const { body } = await call('GET', `/api/v1/applications/${name}`);
      if (body.status.operationState?.phase === phase) return body;
      await new Promise(r => setTimeout(r, 10));
    }
    throw new Error(`operation of ${name} never reached ${phase}`);
  };

  beforeEach(async () => {
    argo = await startArgoCdDouble({ syncDelayMs: 50, readOnlyToken: 'viewer' });
  });
  afterEach(() => argo.stop());

  it('answers 401 without a token and 403 for a read-only token writing', async () => {
    argo.seed({ name: 'oee-api' });
    const anon = await fetch(`${argo.url}/api/v1/applications`);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ code: 16, message: 'no session information' });
    expect((await call('GET', '/api/v1/applications/oee-api', undefined, 'viewer')).status).toBe(200);
    const denied = await call('POST', '/api/v1/applications/oee-api/sync', {}, 'viewer');
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/^permission denied: applications, sync, default\/oee-api/);
    expect((await call('GET', '/api/v1/applications/missing')).body.message).toBe('applications.argoproj.io "missing" not found');
  });

  it('syncs an OutOfSync app to Synced and Healthy, recording history', async () => {
    argo.seed({ name: 'oee-api', history: ['aaa'] });
    argo.pushRevision('oee-api', 'bbb');
    expect((await call('GET', '/api/v1/applications/oee-api')).body.status.sync.status).toBe('OutOfSync');
    const started = await call('POST', '/api/v1/applications/oee-api/sync', { prune: true });
    expect(started.body.status.operationState.phase).toBe('Running');
    expect(started.body.status.health.status).toBe('Progressing');
    const again = await call('POST', '/api/v1/applications/oee-api/sync', {});
    expect(again).toMatchObject({ status: 400, body: { code: 9, message: 'another operation is already in progress' } });
    const done = await waitPhase('oee-api', 'Succeeded');
    expect(done.status.sync).toMatchObject({ status: 'Synced', revision: 'bbb' });
    expect(done.status.health.status).toBe('Healthy');
    expect(done.status.history.map((h: any) => [h.id, h.revision])).toEqual([
      [0, 'aaa'],
      [1, 'bbb'],
    ]);
  });

  it('ends a sync Degraded or Failed when the test says so', async () => {
    argo.seed({ name: 'a' }, { name: 'b' });
    argo.setSyncOutcome('a', 'degraded', 'Deployment "a" exceeded its progress deadline');
    argo.setSyncOutcome('b', 'failed', 'one or more objects failed to apply');
    await call('POST', '/api/v1/applications/a/sync', {});
    await call('POST', '/api/v1/applications/b/sync', {});
    const a = await waitPhase('a', 'Succeeded');
    expect(a.status.health).toEqual({ status: 'Degraded', message: 'Deployment "a" exceeded its progress deadline' });
    const b = await waitPhase('b', 'Failed');
    expect(b.status.conditions[0]).toMatchObject({ type: 'SyncError', message: 'one or more objects failed to apply' });
  });

  it('refuses a rollback while auto-sync is on, then rolls back once the policy is removed', async () => {
    argo.seed({ name: 'gw', history: ['r1', 'r2'], autoSync: true });
    const refused = await call('PUT', '/api/v1/applications/gw/rollback', { id: 0, prune: false, dryRun: false });
    expect(refused).toMatchObject({ status: 400, body: { code: 9, message: 'rollback cannot be initiated when auto-sync is enabled' } });

    const patched = await call('PATCH', '/api/v1/applications/gw', {
      name: 'gw',
      patchType: 'merge',
      patch: JSON.stringify({ spec: { syncPolicy: { automated: null } } }),
    });
    expect(patched.body.spec.syncPolicy.automated).toBeUndefined();
    const unknown = await call('PUT', '/api/v1/applications/gw/rollback', { id: 7 });
    expect(unknown.body.message).toBe('application gw does not have deployment with id 7');
    expect(argo.writes().filter(w => w.path.endsWith('/rollback') && w.status === 200)).toHaveLength(0);

    await call('PUT', '/api/v1/applications/gw/rollback', { id: 0, prune: false, dryRun: false });
    const done = await waitPhase('gw', 'Succeeded');
    expect(done.status.sync).toMatchObject({ revision: 'r1', status: 'OutOfSync' });
    expect(done.status.history.at(-1)).toMatchObject({ id: 2, revision: 'r1' });
  });
});
