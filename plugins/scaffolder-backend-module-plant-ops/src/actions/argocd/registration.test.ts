import { mockServices } from '@backstage/backend-test-utils';
import { startArgoCdDouble, type ArgoCdDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, everythingSaid, runAction } from '../../lib/__testUtils__/actionHarness';
import { createArgocdActions } from '../argocd';

describe('ArgoCD actions as the module registers them', () => {
  let argo: ArgoCdDouble;
  beforeAll(async () => {
    argo = await startArgoCdDouble({ syncDelayMs: 20 });
    argo.seed({ name: 'ms5-gateway', history: ['r1', 'r2'] });
  });
  afterAll(() => argo.stop());

  const deps = (token: string) => ({
    config: mockServices.rootConfig({ data: { plant: { argocd: { instances: [{ name: 'ms5', url: argo.url, token }] } } } }),
    auditor: capturingAuditor(),
    logger: mockServices.logger.mock(),
    catalog: {} as any,
    auth: {} as any,
    discovery: {} as any,
  });

  it('registers plant:argocd:sync and plant:argocd:rollback with dry run, examples and described fields', () => {
    const actions = createArgocdActions(deps(argo.token));
    expect(actions.map(a => a.id)).toEqual(['plant:argocd:sync', 'plant:argocd:rollback']);
    for (const a of actions) {
      expect(a.supportsDryRun).toBe(true);
      expect(a.examples?.length).toBeGreaterThan(0);
      const fields = { ...(a.schema?.input as any)?.properties, ...(a.schema?.output as any)?.properties };
      for (const [field, p] of Object.entries<any>(fields)) expect([field, typeof p.description]).toEqual([field, 'string']);
    }
  });

  it('uses the token from config, and an ArgoCD 401 never shows the token', async () => {
    const good = deps(argo.token);
    const run = await runAction(createArgocdActions(good)[0], { appName: 'ms5-gateway', timeoutSeconds: 10 });
    expect(run.error).toBeUndefined();
    expect(run.output).toMatchObject({ syncStatus: 'Synced', healthStatus: 'Healthy' });
    expect(everythingSaid(run, good.auditor)).not.toContain(argo.token);

    const bad = deps('wrong-token-value');
    const refused = await runAction(createArgocdActions(bad)[1], { appName: 'ms5-gateway', historyId: 0 });
    expect(refused.error?.message).toBe('ArgoCD ms5: reading application ms5-gateway failed: 401 invalid session: token signature is invalid');
    expect(everythingSaid(refused, bad.auditor)).not.toContain('wrong-token-value');
  });
});
