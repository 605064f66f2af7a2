import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, capturingLogger, everythingSaid, fixedKubeAccess, runAction } from '../../lib/__testUtils__/actionHarness';
import { createRotateRandomSecretAction } from './rotateRandom';

const NS = 'iip-applications';
const OLD = 'old-jwt-secret-value-0123456789abcdef';
const OLD_B64 = Buffer.from(OLD).toString('base64');

function deployment(name: string, podSpec: Record<string, unknown>, replicas = 1, kind = 'Deployment') {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `registry.example/${name}:1.0` }], ...podSpec } },
    },
  };
}

describe('plant:secret:rotate-random', () => {
  let double: KubernetesDouble;
  /** When set, iip-api pods never become ready while the Secret holds anything but the old value. */
  let apiRejectsNewValue = false;
  const seen: string[] = [];

  beforeEach(async () => {
    apiRejectsNewValue = false;
    seen.length = 0;
    double = await startKubernetesDouble({
      podReadyDelayMs: 10,
      progressDeadlineMs: 400,
      isBrokenImage: image =>
        apiRejectsNewValue && image === 'registry.example/iip-api:1.0' && double.get('v1', 'Secret', NS, 'iip-jwt-secret')?.data?.secret !== OLD_B64,
    });
    double.onEvent(e => {
      if (e.object.kind === 'Secret' && e.object.data?.secret) seen.push(e.object.data.secret);
    });
    double.seed(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'iip-jwt-secret', namespace: NS }, type: 'Opaque', data: { secret: OLD_B64, issuer: Buffer.from('iip').toString('base64') } },
      deployment('iip-api', { containers: [{ name: 'api', image: 'registry.example/iip-api:1.0', env: [{ name: 'JWT_SECRET', valueFrom: { secretKeyRef: { name: 'iip-jwt-secret', key: 'secret' } } }] }] }, 2),
      deployment('iip-auth', { volumes: [{ name: 'jwt', secret: { secretName: 'iip-jwt-secret' } }] }),
      deployment('iip-frontend', {}),
      deployment('iip-worker', { containers: [{ name: 'w', image: 'registry.example/iip-worker:1.0', envFrom: [{ secretRef: { name: 'iip-jwt-secret' } }] }] }, 1, 'StatefulSet'),
    );
    for (const d of ['iip-api', 'iip-auth', 'iip-frontend']) {
      await double.waitFor('apps/v1', 'Deployment', NS, d, x => x.status?.availableReplicas === x.spec.replicas && x.status?.observedGeneration === x.metadata.generation);
    }
    await double.waitFor('apps/v1', 'StatefulSet', NS, 'iip-worker', x => x.status?.readyReplicas === 1);
  });
  afterEach(() => double.stop());

  const setup = () => {
    const auditor = capturingAuditor();
    return { auditor, action: createRotateRandomSecretAction({ auditor, kube: fixedKubeAccess(double.kubeConfig(), 'iip-prod-cluster'), pollIntervalMs: 20 }) };
  };
  const base = { cluster: 'resource:default/iip-prod-cluster' };
  const secretNow = () => double.get('v1', 'Secret', NS, 'iip-jwt-secret');
  const restartedAt = (kind: string, name: string) => double.get('apps/v1', kind, NS, name).spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];

  /** Every form a value could leak in: plain, and the base64 it has in the Secret. */
  function expectNoLeak(said: string, b64values: string[]) {
    expect(b64values.length).toBeGreaterThan(0);
    for (const b64 of b64values) {
      const plain = Buffer.from(b64, 'base64').toString('utf8');
      expect(said).not.toContain(plain);
      expect(said).not.toContain(b64);
    }
  }

  it('writes a new random value, restarts every workload that uses the Secret, verifies them, and never says the value', async () => {
    const { auditor, action } = setup();
    const logger = capturingLogger();
    const run = await runAction(action, base, { logger });
    expect(run.error).toBeUndefined();

    const newB64 = secretNow().data.secret;
    const fresh = Buffer.from(newB64, 'base64').toString('utf8');
    expect(fresh).not.toBe(OLD);
    expect(Buffer.from(fresh, 'base64')).toHaveLength(32); // openssl rand -base64 32
    expect(secretNow().data.issuer).toBe(Buffer.from('iip').toString('base64'));
    expect(run.output).toMatchObject({
      secret: `${NS}/iip-jwt-secret`,
      key: 'secret',
      consumers: ['Deployment/iip-api', 'Deployment/iip-auth', 'StatefulSet/iip-worker'],
      resourceVersion: secretNow().metadata.resourceVersion,
    });
    expect(restartedAt('Deployment', 'iip-api')).toBeDefined();
    expect(restartedAt('Deployment', 'iip-auth')).toBeDefined();
    expect(restartedAt('StatefulSet', 'iip-worker')).toBeDefined();
    expect(restartedAt('Deployment', 'iip-frontend')).toBeUndefined();
    expect(double.get('apps/v1', 'Deployment', NS, 'iip-api').status.updatedReplicas).toBe(2);
    expect(auditor.events[0]).toMatchObject({ meta: { target: `iip-prod-cluster/${NS}/iip-jwt-secret#secret` }, outcome: 'success' });

    expect(logger.lines.length).toBeGreaterThan(3);
    expectNoLeak(everythingSaid(run, auditor), [newB64, OLD_B64]);
  });

  it('puts the old value back and restarts the consumers again when they do not come back with the new one, and says so', async () => {
    apiRejectsNewValue = true;
    const { auditor, action } = setup();
    const run = await runAction(action, { ...base, timeoutSeconds: 5 });
    expect(run.error?.message).toBe(
      `rotation of ${NS}/iip-jwt-secret key secret failed: Deployment/iip-api: deployment "iip-api" exceeded its progress deadline. Rolled back: the Secret ${NS}/iip-jwt-secret key secret holds its previous value again and Deployment/iip-api, Deployment/iip-auth, StatefulSet/iip-worker were restarted and are available`,
    );
    expect(secretNow().data.secret).toBe(OLD_B64);
    const attempted = seen.filter(v => v !== OLD_B64);
    expect(attempted).toHaveLength(1);
    await double.waitFor('apps/v1', 'Deployment', NS, 'iip-api', d => d.status?.availableReplicas === 2);
    expect(auditor.events[0].outcome).toBe('failure');
    expectNoLeak(everythingSaid(run, auditor), [...attempted, OLD_B64]);
  });

  it('dry run reads the Secret and its consumers, writes nothing, and prints no value', async () => {
    const { auditor, action } = setup();
    double.clearRequests();
    const run = await runAction(action, base, { dryRun: true });
    expect(run.error).toBeUndefined();
    expect(double.writes()).toEqual([]);
    expect(run.output.consumers).toEqual(['Deployment/iip-api', 'Deployment/iip-auth', 'StatefulSet/iip-worker']);
    expect(secretNow().data.secret).toBe(OLD_B64);
    expectNoLeak(everythingSaid(run, auditor), [OLD_B64]);
  });

  it('restarts only the Deployments named, when named', async () => {
    const { action } = setup();
    const run = await runAction(action, { ...base, consumers: ['iip-auth'], encoding: 'hex', bytes: 48 });
    expect(run.error).toBeUndefined();
    expect(Buffer.from(secretNow().data.secret, 'base64').toString()).toMatch(/^[0-9a-f]{96}$/);
    expect(run.output.consumers).toEqual(['Deployment/iip-auth']);
    expect(restartedAt('Deployment', 'iip-api')).toBeUndefined();
  });

  it('names the field and the fix for bad input, and changes nothing', async () => {
    const { action } = setup();
    double.clearRequests();
    expect((await runAction(action, { ...base, key: 'jwt' })).error?.message).toBe(
      `key: Secret ${NS}/iip-jwt-secret has no key "jwt" (its keys: secret, issuer). Give one of its keys`,
    );
    expect((await runAction(action, { ...base, secret: 'iip-jwt' })).error?.message).toBe(
      `secret: no Secret "iip-jwt" in namespace ${NS}. Give an existing Secret; this action rotates, it does not create`,
    );
    expect((await runAction(action, { ...base, consumers: ['iip-ap'] })).error?.message).toBe(
      `consumers: no Deployment "iip-ap" in ${NS}. Name Deployments that use the Secret, or leave the field empty to find them`,
    );
    expect((await runAction(action, { ...base, bytes: 8 })).error?.message).toMatch(/^bytes: number must be greater than or equal to 16\. Expected: Random bytes/);
    expect(double.writes()).toEqual([]);
    double.breakImage('registry.example/iip-auth:1.0');
    await fetch(`${double.url}/apis/apps/v1/namespaces/${NS}/deployments/iip-auth`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${double.token}`, 'content-type': 'application/strategic-merge-patch+json' },
      body: JSON.stringify({ spec: { template: { metadata: { annotations: { touch: '1' } } } } }),
    });
    await double.waitFor('apps/v1', 'Deployment', NS, 'iip-auth', d => d.status?.conditions?.some((c: any) => c.reason === 'ProgressDeadlineExceeded'));
    expect((await runAction(action, base)).error?.message).toBe(
      'consumers: Deployment/iip-auth is not healthy before the rotation (deployment "iip-auth" exceeded its progress deadline). Fix it first, or leave it out; a rotation could not be verified on it',
    );
    expect(secretNow().data.secret).toBe(OLD_B64);
  });
});
