import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, fixedKubeAccess, runAction } from '../../lib/__testUtils__/actionHarness';
import { createEmergencyScaleDownAction } from './emergencyScaleDown';
import { createRestoreScaleAction } from './restoreScale';

const NS = 'iip-applications';

function workload(kind: 'Deployment' | 'StatefulSet', name: string, replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `registry.example/${name}:1.0` }] } },
    },
  };
}

describe('plant:kubernetes:emergency-scale-down and restore-scale', () => {
  let double: KubernetesDouble;
  beforeEach(async () => {
    double = await startKubernetesDouble({ podReadyDelayMs: 10 });
    double.seed(workload('Deployment', 'iip-api', 3), workload('Deployment', 'iip-frontend', 2), workload('Deployment', 'iip-batch', 0), workload('StatefulSet', 'iip-mqtt', 1));
    await double.waitFor('apps/v1', 'Deployment', NS, 'iip-api', d => d.status?.availableReplicas === 3);
  });
  afterEach(() => double.stop());

  const setup = () => {
    const auditor = capturingAuditor();
    const kube = fixedKubeAccess(double.kubeConfig(), 'iip-prod-cluster');
    return {
      auditor,
      down: createEmergencyScaleDownAction({ auditor, kube }),
      restore: createRestoreScaleAction({ auditor, kube, pollIntervalMs: 20 }),
    };
  };
  const replicas = (kind: string, name: string) => double.get('apps/v1', kind, NS, name).spec.replicas;
  const base = { cluster: 'resource:default/iip-prod-cluster', namespace: NS };

  it('scales everything to 0 with the counts recorded, and restore brings each back to its count and waits for it', async () => {
    const { auditor, down, restore } = setup();
    const run = await runAction(down, base);
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({
      scaledDown: [
        { kind: 'Deployment', name: 'iip-api', replicas: 3 },
        { kind: 'Deployment', name: 'iip-frontend', replicas: 2 },
        { kind: 'StatefulSet', name: 'iip-mqtt', replicas: 1 },
      ],
      alreadyAtZero: ['Deployment/iip-batch'],
      excluded: [],
      record: `${NS}/plantops-scale-down-record`,
    });
    expect([replicas('Deployment', 'iip-api'), replicas('Deployment', 'iip-frontend'), replicas('StatefulSet', 'iip-mqtt')]).toEqual([0, 0, 0]);
    const cm = double.get('v1', 'ConfigMap', NS, 'plantops-scale-down-record');
    expect(JSON.parse(cm.data['replicas.json'])).toEqual({ 'Deployment/iip-api': 3, 'Deployment/iip-frontend': 2, 'StatefulSet/iip-mqtt': 1 });
    expect(cm.metadata.annotations['plantops.io/scaled-down-by']).toBe('user:default/jane.doe');
    // the record is written before the first scale
    const writes = double.writes().map(w => `${w.method} ${w.path}`);
    expect(writes[0]).toBe(`POST /api/v1/namespaces/${NS}/configmaps`);
    expect(writes.slice(1).every(w => w.startsWith('PUT /apis/apps/v1/') && w.endsWith('/scale'))).toBe(true);

    const back = await runAction(restore, base);
    expect(back.error).toBeUndefined();
    expect(back.output).toEqual({
      restored: [
        { kind: 'Deployment', name: 'iip-api', replicas: 3 },
        { kind: 'Deployment', name: 'iip-frontend', replicas: 2 },
        { kind: 'StatefulSet', name: 'iip-mqtt', replicas: 1 },
      ],
      skipped: [],
      recordDeleted: true,
    });
    expect([replicas('Deployment', 'iip-api'), replicas('Deployment', 'iip-frontend'), replicas('StatefulSet', 'iip-mqtt'), replicas('Deployment', 'iip-batch')]).toEqual([3, 2, 1, 0]);
    expect(double.get('apps/v1', 'Deployment', NS, 'iip-api').status.availableReplicas).toBe(3);
    expect(double.get('v1', 'ConfigMap', NS, 'plantops-scale-down-record')).toBeUndefined();
    expect(auditor.events.map(e => [e.meta.action, e.outcome])).toEqual([
      ['plant:kubernetes:emergency-scale-down', 'success'],
      ['plant:kubernetes:restore-scale', 'success'],
    ]);
  });

  it('a second scale-down keeps the first counts; restore leaves alone what someone scaled meanwhile', async () => {
    const { down, restore } = setup();
    await runAction(down, { ...base, exclude: ['iip-frontend'] });
    const second = await runAction(down, base);
    expect(second.output.scaledDown).toEqual([{ kind: 'Deployment', name: 'iip-frontend', replicas: 2 }]);
    expect(JSON.parse(double.get('v1', 'ConfigMap', NS, 'plantops-scale-down-record').data['replicas.json'])).toEqual({
      'Deployment/iip-api': 3,
      'Deployment/iip-frontend': 2,
      'StatefulSet/iip-mqtt': 1,
    });
    await fetch(`${double.url}/apis/apps/v1/namespaces/${NS}/deployments/iip-api/scale`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${double.token}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { replicas: 1 } }),
    });
    const back = await runAction(restore, { ...base, wait: false });
    expect(back.output.skipped).toEqual([{ workload: 'Deployment/iip-api', reason: 'scaled to 1 since the scale-down; left as it is (recorded 3)' }]);
    expect(replicas('Deployment', 'iip-api')).toBe(1);
    expect(replicas('Deployment', 'iip-frontend')).toBe(2);
    expect(back.output.recordDeleted).toBe(true);
  });

  it('a scale-down cut short says what it stopped, and the record lets restore bring it back', async () => {
    const { down, restore } = setup();
    double.failNext(`/apis/apps/v1/namespaces/${NS}/deployments/iip-frontend/scale`, { method: 'PUT', code: 503, reason: 'ServiceUnavailable', message: 'etcdserver: request timed out' });
    const run = await runAction(down, base);
    expect(run.error?.message).toBe(
      `scaling Deployment/iip-frontend to 0: 503 ServiceUnavailable: etcdserver: request timed out. Scaled to 0 so far: Deployment/iip-api; their counts are in ConfigMap ${NS}/plantops-scale-down-record: run plant:kubernetes:restore-scale to bring them back`,
    );
    expect(run.output.scaledDown).toEqual([{ kind: 'Deployment', name: 'iip-api', replicas: 3 }]);
    expect(replicas('Deployment', 'iip-frontend')).toBe(2);
    const back = await runAction(restore, { ...base, wait: false });
    expect(back.output.restored).toEqual([{ kind: 'Deployment', name: 'iip-api', replicas: 3 }]);
    expect(back.output.skipped).toEqual([
      { workload: 'Deployment/iip-frontend', reason: 'already at its recorded count (2)' },
      { workload: 'StatefulSet/iip-mqtt', reason: 'already at its recorded count (1)' },
    ]);
    expect(replicas('Deployment', 'iip-api')).toBe(3);
  });

  it('a restore cut short keeps what is left in the record, and a second restore finishes it', async () => {
    const { down, restore } = setup();
    await runAction(down, base);
    double.failNext(`/apis/apps/v1/namespaces/${NS}/deployments/iip-frontend/scale`, { method: 'PUT', code: 500, message: 'boom' });
    const first = await runAction(restore, { ...base, wait: false });
    expect(first.error?.message).toBe(
      `scaling Deployment/iip-frontend to 2: 500 InternalError: boom. Restored so far: Deployment/iip-api; the rest stays in ConfigMap ${NS}/plantops-scale-down-record: run the restore again`,
    );
    expect(JSON.parse(double.get('v1', 'ConfigMap', NS, 'plantops-scale-down-record').data['replicas.json'])).toEqual({ 'Deployment/iip-frontend': 2, 'StatefulSet/iip-mqtt': 1 });
    const second = await runAction(restore, { ...base, wait: false });
    expect(second.error).toBeUndefined();
    expect(second.output.restored).toEqual([
      { kind: 'Deployment', name: 'iip-frontend', replicas: 2 },
      { kind: 'StatefulSet', name: 'iip-mqtt', replicas: 1 },
    ]);
    expect([replicas('Deployment', 'iip-api'), replicas('Deployment', 'iip-frontend'), replicas('StatefulSet', 'iip-mqtt')]).toEqual([3, 2, 1]);
    expect(double.get('v1', 'ConfigMap', NS, 'plantops-scale-down-record')).toBeUndefined();
  });

  it('dry runs read and plan without writing', async () => {
    const { down, restore } = setup();
    double.clearRequests();
    const plan = await runAction(down, base, { dryRun: true });
    expect((plan.output.scaledDown as unknown[]).length).toBe(3);
    expect(double.writes()).toEqual([]);
    await runAction(down, base);
    double.clearRequests();
    const rplan = await runAction(restore, base, { dryRun: true });
    expect(rplan.output.restored).toEqual([
      { kind: 'Deployment', name: 'iip-api', replicas: 3 },
      { kind: 'Deployment', name: 'iip-frontend', replicas: 2 },
      { kind: 'StatefulSet', name: 'iip-mqtt', replicas: 1 },
    ]);
    expect(double.writes()).toEqual([]);
    expect(replicas('Deployment', 'iip-api')).toBe(0);
  });

  it('names the field for bad input', async () => {
    const { down, restore } = setup();
    expect((await runAction(down, { ...base, namespace: 'iip-aplications' })).error?.message).toBe(
      'namespace: namespace "iip-aplications" does not exist in the cluster. Give the namespace of the workloads to stop',
    );
    expect((await runAction(down, { ...base, exclude: ['iip-gateway'] })).error?.message).toBe(
      `exclude: no Deployment or StatefulSet named iip-gateway in ${NS}. Fix the names or leave them out`,
    );
    expect((await runAction(restore, base)).error?.message).toBe(
      `namespace: no scale-down record (ConfigMap plantops-scale-down-record) in ${NS}. Nothing to restore: check the namespace, or the recordName the scale-down used`,
    );
  });
});
