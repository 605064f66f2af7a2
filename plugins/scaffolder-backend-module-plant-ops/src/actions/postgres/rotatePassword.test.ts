import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { createPostgresRotatePasswordAction, type PasswordDelivery } from './rotatePassword';
import { KubernetesSecretDelivery } from './secretDelivery';
import { scramSha256Verifier } from './scram';
import { TestClusters, type TestCluster } from './testing/cluster';
import { capture, makeDeps, resource, run } from '../../lib/__testUtils__/actionHarness';

// The shared server trusts every loopback login, so a wrong password would pass there: this test runs its
// own PostgreSQL 15 with SCRAM authentication and every statement logged.
jest.setTimeout(120_000);

let clusters: TestClusters;
let pg: TestCluster;
const role = `app_${randomBytes(3).toString('hex')}`;
const oldPassword = `old-${randomBytes(12).toString('hex')}`;

async function login(password: string): Promise<true | string> {
  const c = new Client(pg.conn('postgres', role, password));
  c.on('error', () => {});
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await c.end().catch(() => {});
  }
}

const verifierOf = async () => (await pg.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]))[0].rolpassword as string;

/** A delivery that keeps the password it is handed, standing in for the Kubernetes Secret. */
function keeper(fail?: string): PasswordDelivery & { got?: string } {
  const d: PasswordDelivery & { got?: string } = {
    describe: () => 'test keeper',
    async deliver(password) {
      d.got = password;
      if (fail) throw new Error(fail);
      return ['kept by the test'];
    },
  };
  return d;
}

function setup(delivery?: PasswordDelivery) {
  const cap = capture();
  const deps = makeDeps(
    { plant: { postgres: { instances: [{ name: 'ms5-postgres-primary', host: '127.0.0.1', port: pg.port, user: 'postgres', password: pg.superPassword, database: 'postgres' }] } } },
    [resource('ms5-postgres-primary', 'database')],
    cap,
  );
  return { cap, action: createPostgresRotatePasswordAction({ ...deps, delivery: delivery ? async () => delivery : undefined }) };
}

const input = { database: 'ms5-postgres-primary', role, secret: { cluster: 'c', namespace: 'ms5', name: 'db', key: 'password' } };

beforeAll(async () => {
  clusters = await TestClusters.create();
  pg = await clusters.primary();
  await pg.query(`ALTER SYSTEM SET log_statement = 'all'`);
  await pg.query('SELECT pg_reload_conf()');
  await pg.query(`CREATE ROLE ${role} LOGIN PASSWORD '${oldPassword}'`);
});

afterAll(async () => {
  await clusters?.cleanup();
});

describe('plant:postgres:rotate-password (own PostgreSQL 15 with SCRAM auth)', () => {
  it('builds the verifier PostgreSQL itself accepts for a password', async () => {
    const pw = `probe-${randomBytes(6).toString('hex')}`;
    await pg.query(`ALTER ROLE ${role} PASSWORD '${scramSha256Verifier(pw)}'`);
    expect(await login(pw)).toBe(true);
    expect(await login(`${pw}x`)).toMatch(/password authentication failed/);
    await pg.query(`ALTER ROLE ${role} PASSWORD '${scramSha256Verifier(oldPassword)}'`);
    expect(await login(oldPassword)).toBe(true);
  });

  it('dry run reads the role and changes nothing', async () => {
    const before = await verifierOf();
    const { cap, action } = setup(keeper());
    const out = await run(action, input, { cap, dryRun: true });
    expect((out.plan as string[])[0]).toMatch(new RegExp(`read the current verifier of ${role} .*SCRAM-SHA-256, fingerprint [0-9a-f]{12}`));
    expect(await verifierOf()).toBe(before);
  });

  it('the dryRun input plans in a normal task: the role keeps its password, nothing is delivered', async () => {
    const before = await verifierOf();
    const delivery = keeper();
    const { cap, action } = setup(delivery);
    const out = await run(action, { ...input, dryRun: true }, { cap });
    expect((out.plan as string[])[0]).toMatch(new RegExp(`read the current verifier of ${role} `));
    expect(await verifierOf()).toBe(before);
    expect(await login(oldPassword)).toBe(true);
    expect(delivery.got).toBeUndefined();
    expect(cap.audits[0]).toMatchObject({ phase: 'start', meta: { dryRun: true } });
  });

  it('rotates: the old password is refused, the new one works, the plaintext is in no log', async () => {
    const delivery = keeper();
    const { cap, action } = setup(delivery);
    const out = await run(action, input, { cap });
    const newPassword = delivery.got!;
    expect(newPassword).toHaveLength(32);
    expect(out).toMatchObject({ role, loginTested: true, delivered: ['kept by the test'] });
    expect(await login(oldPassword)).toMatch(/password authentication failed/);
    expect(await login(newPassword)).toBe(true);

    const serverLog = await pg.log();
    expect(serverLog).toContain(`ALTER ROLE "${role}" PASSWORD 'SCRAM-SHA-256$4096:`);
    expect(serverLog).not.toContain(newPassword);
    const everything = `${cap.text()}\n${JSON.stringify(out)}`;
    expect(everything).not.toContain(newPassword);
    expect(everything).not.toContain(Buffer.from(newPassword).toString('base64'));
    expect(everything).not.toContain(pg.superPassword);
    expect(everything).not.toContain(await verifierOf());
    expect(cap.audits.map(a => a.phase)).toEqual(['start', 'success']);
  });

  it('puts the old verifier back when delivery fails, and says so', async () => {
    const before = await verifierOf();
    const delivery = keeper('consumer ms5-api did not become ready');
    const { cap, action } = setup(delivery);
    const err = await run(action, input, { cap }).catch(e => e as Error);
    expect(String(err)).toMatch(
      new RegExp(`rotation of ${role} failed at "deliver the new password": consumer ms5-api did not become ready. Restored: the previous password verifier`),
    );
    expect(await verifierOf()).toBe(before);
    expect(await login(delivery.got!)).toMatch(/password authentication failed/);
    expect(`${cap.text()}${String(err)}${(err as Error).stack}${await pg.log()}`).not.toContain(delivery.got!);
    expect(cap.audits.at(-1)).toMatchObject({ phase: 'fail' });
  });

  it('does not rotate twice when the task is retried', async () => {
    const delivery = keeper();
    const { cap, action } = setup(delivery);
    const checkpoints = new Map();
    const first = await run(action, input, { cap, checkpoints });
    const after = await verifierOf();
    const second = await run(action, input, { cap, checkpoints });
    expect(second.verifierFingerprint).toBe(first.verifierFingerprint);
    expect(await verifierOf()).toBe(after);
  });

  it('stops when the signal aborts, before changing anything', async () => {
    const before = await verifierOf();
    const { cap, action } = setup(keeper());
    const abort = new AbortController();
    abort.abort();
    await expect(run(action, input, { cap, signal: abort.signal })).rejects.toThrow(/aborted/i);
    expect(await verifierOf()).toBe(before);
  });

  it('names the field and the fix for bad inputs', async () => {
    const { cap, action } = setup(keeper());
    await expect(run(action, { ...input, role: 'nobody_here' }, { cap })).rejects.toThrow('role: no role "nobody_here" on ms5-postgres-primary. Check the name in pg_roles');
    await expect(run(action, { ...input, role: 'postgres' }, { cap })).rejects.toThrow(/^role: "postgres" is the role the portal itself connects as/);
    await expect(run(action, { ...input, role: 'x; drop' }, { cap })).rejects.toThrow(/^role: "x; drop" is not a role name/);
    await expect(run(action, { database: 'ms5-postgres-primary', role }, { cap })).rejects.toThrow(/^secret: is missing, so nobody would know the new password/);
    const { action: noKube } = setup();
    await expect(run(noKube, input, { cap })).rejects.toThrow(/^secret: this portal has no Kubernetes access/);
  });

  describe('delivered to a Kubernetes Secret (Kubernetes double)', () => {
    let k8s: KubernetesDouble;
    const deployment = (name: string, image: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'ms5', labels: { app: name } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name, image, env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'ms5-db', key: 'password' } } }] }] },
        },
      },
    });

    beforeEach(async () => {
      k8s = await startKubernetesDouble({ podReadyDelayMs: 20, progressDeadlineMs: 1500 });
      k8s.seed(
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ms5-db', namespace: 'ms5' }, type: 'Opaque', data: { password: Buffer.from(oldPassword).toString('base64'), user: Buffer.from(role).toString('base64') } },
        deployment('ms5-api', 'ms5-api:1'),
      );
      await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'ms5-api', d => d.status?.readyReplicas === 2);
      // Start each case from the old password.
      await pg.query(`ALTER ROLE ${role} PASSWORD '${scramSha256Verifier(oldPassword)}'`);
    });
    afterEach(() => k8s.stop());

    function kubeSetup() {
      const cap = capture();
      const deps = makeDeps(
        { plant: { postgres: { instances: [{ name: 'ms5-postgres-primary', host: '127.0.0.1', port: pg.port, user: 'postgres', password: pg.superPassword, database: 'postgres' }] } } },
        [resource('ms5-postgres-primary', 'database')],
        cap,
      );
      const kube = { kubeConfig: async () => ({ kubeConfig: k8s.kubeConfig(), cluster: 'ms5-prod-aks' }) };
      const action = createPostgresRotatePasswordAction({
        ...deps,
        delivery: (secret, credentials) => KubernetesSecretDelivery.create(kube, secret, credentials, 3000),
      });
      return { cap, action };
    }
    const kubeInput = { database: 'ms5-postgres-primary', role, secret: { cluster: 'ms5-prod-aks', namespace: 'ms5', name: 'ms5-db', key: 'password', restart: ['ms5-api'] } };
    const secretValue = () => Buffer.from(k8s.get('v1', 'Secret', 'ms5', 'ms5-db').data.password, 'base64').toString('utf8');

    it('patches the Secret, restarts its consumers and waits for them; the Secret\'s password logs in', async () => {
      const { cap, action } = kubeSetup();
      const out = await run(action, kubeInput, { cap });
      const stored = secretValue();
      expect(stored).not.toBe(oldPassword);
      expect(await login(stored)).toBe(true);
      expect(await login(oldPassword)).toMatch(/password authentication failed/);
      expect(out.delivered).toEqual(['Secret ms5/ms5-db key password', 'Deployment ms5/ms5-api restarted and ready']);
      // The consumers are read once, by the check, before the Secret is patched.
      const beforePatch = k8s.requests.slice(0, k8s.requests.findIndex(r => r.method === 'PATCH'));
      expect(beforePatch.filter(r => r.method === 'GET' && r.path.endsWith('/deployments/ms5-api'))).toHaveLength(1);
      const d = k8s.get('apps/v1', 'Deployment', 'ms5', 'ms5-api');
      expect(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeDefined();
      expect(d.status.updatedReplicas).toBe(2);
      const everything = `${cap.text()}${JSON.stringify(out)}${await pg.log()}`;
      expect(everything).not.toContain(stored);
      expect(everything).not.toContain(Buffer.from(stored).toString('base64'));
    });

    it('when the consumers do not come back: Secret and verifier are put back, the old password works', async () => {
      k8s.breakImage('ms5-api:1');
      const { cap, action } = kubeSetup();
      const err = await run(action, kubeInput, { cap }).catch(e => e as Error);
      expect(String(err)).toMatch(/failed at "deliver the new password": restarting the consumers: .*Secret ms5\/ms5-db key password was put back to its previous value.*Restored: the previous password verifier/);
      expect(secretValue()).toBe(oldPassword);
      expect(await login(oldPassword)).toBe(true);
    });

    it('dry run and a missing Secret are checked before the password changes', async () => {
      const { cap, action } = kubeSetup();
      const before = await verifierOf();
      const dry = await run(action, kubeInput, { cap, dryRun: true });
      expect((dry.plan as string[])[3]).toBe('deliver: Secret ms5/ms5-db key password, then rollout restart Deployment/ms5-api and wait until ready');
      await expect(run(action, { ...kubeInput, secret: { ...kubeInput.secret, name: 'nope' } }, { cap })).rejects.toThrow(/^secret.name: no Secret "nope" in ms5/);
      await expect(run(action, { ...kubeInput, secret: { ...kubeInput.secret, restart: ['ghost'] } }, { cap })).rejects.toThrow(/^secret.restart: no Deployment "ghost" in ms5/);
      expect(await verifierOf()).toBe(before);
    });
  });
});
