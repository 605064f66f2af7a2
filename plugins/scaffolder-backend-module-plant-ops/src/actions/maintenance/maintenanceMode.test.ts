import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, capturingLogger, fixedKubeAccess, runAction } from '../../lib/__testUtils__/actionHarness';
import { createMaintenanceModeAction, DEFAULT_BACKEND_ANNOTATION, PREVIOUS_ANNOTATION } from './maintenanceMode';

const NS = 'iip-applications';

function ingress(annotations?: Record<string, string>) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'iip-ingress', namespace: NS, ...(annotations ? { annotations } : {}) },
    spec: { rules: [{ host: 'iip.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'iip-frontend', port: { number: 80 } } } }] } }] },
  };
}

describe('plant:kubernetes:maintenance-mode', () => {
  let double: KubernetesDouble;
  beforeEach(async () => {
    double = await startKubernetesDouble();
    double.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'maintenance-page', namespace: NS }, spec: { ports: [{ port: 80 }] } });
  });
  afterEach(() => double.stop());

  const setup = () => {
    const auditor = capturingAuditor();
    return { auditor, action: createMaintenanceModeAction({ auditor, kube: fixedKubeAccess(double.kubeConfig(), 'iip-prod-cluster') }) };
  };
  const annotationsNow = () => double.get('networking.k8s.io/v1', 'Ingress', NS, 'iip-ingress').metadata.annotations ?? {};
  const base = { cluster: 'resource:default/iip-prod-cluster' };

  it.each([
    ['no default backend', undefined],
    ['a default backend of its own', { [DEFAULT_BACKEND_ANNOTATION]: 'iip-fallback', 'kong.io/x': 'y' }],
  ])('on and off again restores the ingress exactly, with %s', async (_label, annotations) => {
    double.seed(ingress(annotations));
    const before = structuredClone(annotationsNow());
    const { auditor, action } = setup();

    const on = await runAction(action, { ...base, enabled: true });
    expect(on.error).toBeUndefined();
    expect(on.output).toEqual({ changed: true, defaultBackendBefore: annotations?.[DEFAULT_BACKEND_ANNOTATION] ?? null, defaultBackendAfter: 'maintenance-page' });
    expect(annotationsNow()[DEFAULT_BACKEND_ANNOTATION]).toBe('maintenance-page');
    expect(JSON.parse(annotationsNow()[PREVIOUS_ANNOTATION])).toMatchObject({ value: annotations?.[DEFAULT_BACKEND_ANNOTATION] ?? null, set: 'maintenance-page', by: 'user:default/jane.doe' });
    const spec = double.get('networking.k8s.io/v1', 'Ingress', NS, 'iip-ingress').spec;

    const again = await runAction(action, { ...base, enabled: true });
    expect(again.output.changed).toBe(false);

    const off = await runAction(action, { ...base, enabled: false });
    expect(off.error).toBeUndefined();
    expect(off.output).toEqual({ changed: true, defaultBackendBefore: 'maintenance-page', defaultBackendAfter: annotations?.[DEFAULT_BACKEND_ANNOTATION] ?? null });
    expect(annotationsNow()).toEqual(before);
    expect(double.get('networking.k8s.io/v1', 'Ingress', NS, 'iip-ingress').spec).toEqual(spec);
    expect(auditor.events.map(e => [e.meta.enabled, e.outcome])).toEqual([[true, 'success'], [true, 'success'], [false, 'success']]);
  });

  it('warns when someone changed the backend during maintenance and still restores the original', async () => {
    double.seed(ingress({ [DEFAULT_BACKEND_ANNOTATION]: 'iip-fallback' }));
    const { action } = setup();
    await runAction(action, { ...base, enabled: true });
    const ing = double.get('networking.k8s.io/v1', 'Ingress', NS, 'iip-ingress');
    await fetch(`${double.url}/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses/iip-ingress`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${double.token}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { annotations: { [DEFAULT_BACKEND_ANNOTATION]: 'other-page' } } }),
    });
    expect(ing.metadata.resourceVersion).not.toBe(double.get('networking.k8s.io/v1', 'Ingress', NS, 'iip-ingress').metadata.resourceVersion);
    const logger = capturingLogger();
    const off = await runAction(action, { ...base, enabled: false }, { logger });
    expect(off.error).toBeUndefined();
    expect(annotationsNow()).toEqual({ [DEFAULT_BACKEND_ANNOTATION]: 'iip-fallback' });
    expect(logger.lines.join('\n')).toContain('default backend was changed from "maintenance-page" to "other-page" during maintenance');
  });

  it('dry run reads the ingress and the maintenance Service and writes nothing', async () => {
    double.seed(ingress());
    const { action } = setup();
    double.clearRequests();
    const run = await runAction(action, { ...base, enabled: true }, { dryRun: true });
    expect(run.output).toEqual({ changed: true, defaultBackendBefore: null, defaultBackendAfter: 'maintenance-page' });
    expect(double.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      `GET /apis/networking.k8s.io/v1/namespaces/${NS}/ingresses/iip-ingress`,
      `GET /api/v1/namespaces/${NS}/services/maintenance-page`,
    ]);
    expect(annotationsNow()).toEqual({});
  });

  it('off when not in maintenance changes nothing; bad names get field errors', async () => {
    double.seed(ingress());
    const { action } = setup();
    double.clearRequests();
    expect((await runAction(action, { ...base, enabled: false })).output.changed).toBe(false);
    expect((await runAction(action, { ...base, enabled: true, backend: 'maintenance-pgae' })).error?.message).toBe(
      `backend: no Service "maintenance-pgae" in namespace ${NS} to serve the maintenance page. Deploy the maintenance page first, or name the Service that serves it`,
    );
    expect((await runAction(action, { ...base, enabled: true, ingress: 'nope' })).error?.message).toMatch(/^ingress: no Ingress "nope" in namespace iip-applications\. /);
    expect((await runAction(action, { ...base })).error?.message).toMatch(/^enabled: required\. Expected: true: send traffic/);
    expect(double.writes()).toEqual([]);
  });
});
