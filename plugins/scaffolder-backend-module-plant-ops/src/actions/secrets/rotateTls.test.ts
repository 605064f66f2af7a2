import { X509Certificate } from 'node:crypto';
import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, everythingSaid, fixedKubeAccess, runAction, type ActionRun } from '../../lib/__testUtils__/actionHarness';
import { createRotateTlsAction } from './rotateTls';
import { TestPki, type Pem } from './testing/openssl';

const NS = 'iip-infrastructure';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('plant:secret:rotate-tls', () => {
  const pki = new TestPki();
  let root: Pem;
  let inter: Pem;
  let current: Pem;
  let renewed: Pem;
  let double: KubernetesDouble;

  beforeAll(() => {
    root = pki.ca('IIP Root CA');
    inter = pki.intermediate('IIP Issuing CA', 'IIP Root CA');
    current = pki.leaf('iip.plantops.example', 'IIP Issuing CA', ['DNS:iip.plantops.example'], 30);
    renewed = pki.leaf('iip.plantops.example', 'IIP Issuing CA', ['DNS:iip.plantops.example', 'DNS:api.iip.plantops.example'], 90);
  });
  afterAll(() => pki.cleanup());

  beforeEach(async () => {
    double = await startKubernetesDouble({ podReadyDelayMs: 10 });
    double.seed({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'iip-tls-secret', namespace: NS },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64(current.cert + inter.cert), 'tls.key': b64(current.key) },
    });
  });
  afterEach(() => double.stop());

  const setup = () => {
    const auditor = capturingAuditor();
    return { auditor, action: createRotateTlsAction({ auditor, kube: fixedKubeAccess(double.kubeConfig(), 'iip-prod-cluster'), pollIntervalMs: 20 }) };
  };
  const base = { cluster: 'resource:default/iip-prod-cluster' };
  const secretNow = () => double.get('v1', 'Secret', NS, 'iip-tls-secret');

  function expectKeyNotSaid(run: ActionRun, auditor: { records: string[] }, key: string) {
    const said = everythingSaid(run, auditor);
    expect(said).not.toContain(b64(key));
    for (const line of key.split('\n').filter(l => l.length >= 40)) expect(said).not.toContain(line);
  }

  describe('mode secret', () => {
    it('validates the pair, the chain, the expiry and the names, then writes the kubernetes.io/tls Secret', async () => {
      const { auditor, action } = setup();
      const run = await runAction(action, {
        ...base,
        certificate: renewed.cert + inter.cert,
        privateKey: renewed.key,
        caCertificate: root.cert,
        dnsNames: ['iip.plantops.example', 'api.iip.plantops.example'],
      });
      expect(run.error).toBeUndefined();
      expect(secretNow().type).toBe('kubernetes.io/tls');
      expect(Buffer.from(secretNow().data['tls.crt'], 'base64').toString()).toBe(renewed.cert + inter.cert);
      expect(Buffer.from(secretNow().data['tls.key'], 'base64').toString()).toBe(renewed.key);
      const x = new X509Certificate(renewed.cert);
      expect(run.output).toEqual({
        secret: `${NS}/iip-tls-secret`,
        subject: 'CN=iip.plantops.example',
        fingerprint256: x.fingerprint256,
        subjectAltNames: ['DNS:iip.plantops.example', 'DNS:api.iip.plantops.example'],
        notAfter: x.validToDate.toISOString(),
        previousNotAfter: new X509Certificate(current.cert).validToDate.toISOString(),
        created: false,
        restarted: [],
      });
      expect(auditor.events[0]).toMatchObject({ meta: { target: `iip-prod-cluster/${NS}/iip-tls-secret`, mode: 'secret' }, outcome: 'success' });
      expectKeyNotSaid(run, auditor, renewed.key);
    });

    it('refuses a certificate that does not outlive the current one, or a key of another certificate, changing nothing and echoing no key', async () => {
      const { auditor, action } = setup();
      double.clearRequests();
      const shorter = pki.leaf('iip.plantops.example', 'IIP Issuing CA', ['DNS:iip.plantops.example'], 10);
      const older = await runAction(action, { ...base, certificate: shorter.cert + inter.cert, privateKey: shorter.key, caCertificate: root.cert });
      expect(older.error?.message).toMatch(/^certificate: its notAfter .* is not later than the current certificate's notAfter .*\. Pass a renewed certificate that outlives the one in the Secret$/);
      const mismatch = await runAction(action, { ...base, certificate: renewed.cert + inter.cert, privateKey: current.key, caCertificate: root.cert });
      expect(mismatch.error?.message).toMatch(/^privateKey: does not match the public key of the certificate \(CN=iip.plantops.example/);
      const wrongCa = await runAction(action, { ...base, certificate: renewed.cert, privateKey: renewed.key, caCertificate: root.cert });
      expect(wrongCa.error?.message).toMatch(/^certificate: the chain ends at CN=iip.plantops.example issued by CN=IIP Issuing CA, which is not signed by any certificate in caCertificate/);
      const names = await runAction(action, { ...base, certificate: renewed.cert + inter.cert, privateKey: renewed.key, dnsNames: ['ms5.plantops.example'] });
      expect(names.error?.message).toMatch(/^dnsNames: "ms5.plantops.example" is not covered/);
      expect(double.writes()).toEqual([]);
      expect(Buffer.from(secretNow().data['tls.key'], 'base64').toString()).toBe(current.key);
      for (const run of [older, mismatch, wrongCa, names]) {
        expectKeyNotSaid(run, auditor, shorter.key);
        expectKeyNotSaid(run, auditor, current.key);
        expectKeyNotSaid(run, auditor, renewed.key);
      }
      expect(auditor.events.every(e => e.outcome === 'failure')).toBe(true);
    });

    it('creates the Secret when there is none, refuses a Secret of another type, and requires the PEM inputs', async () => {
      const { action } = setup();
      const created = await runAction(action, { ...base, secret: 'ms5-tls', certificate: renewed.cert + inter.cert, privateKey: renewed.key });
      expect(created.error).toBeUndefined();
      expect(created.output).toMatchObject({ created: true, previousNotAfter: null });
      expect(double.get('v1', 'Secret', NS, 'ms5-tls').type).toBe('kubernetes.io/tls');
      double.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'postgresql-auth', namespace: NS }, type: 'Opaque', data: { password: b64('x') } });
      expect((await runAction(action, { ...base, secret: 'postgresql-auth', certificate: renewed.cert, privateKey: renewed.key })).error?.message).toBe(
        `secret: Secret ${NS}/postgresql-auth is of type Opaque, not kubernetes.io/tls. Name the TLS Secret the ingress uses`,
      );
      expect((await runAction(action, { ...base, certificate: renewed.cert })).error?.message).toBe('privateKey: is required in mode secret. Pass the PEM key as a task secret');
    });

    it('dry run validates and reads but writes nothing', async () => {
      const { auditor, action } = setup();
      double.clearRequests();
      const run = await runAction(action, { ...base, certificate: renewed.cert + inter.cert, privateKey: renewed.key, caCertificate: root.cert }, { dryRun: true });
      expect(run.error).toBeUndefined();
      expect(double.writes()).toEqual([]);
      expect(run.output.notAfter).toBe(new X509Certificate(renewed.cert).validToDate.toISOString());
      expect(run.logs.join('\n')).toContain('chain verified to CN=IIP Root CA');
      expectKeyNotSaid(run, auditor, renewed.key);
    });

    it('restarts and verifies the Deployments named in restart', async () => {
      double.seed({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'iip-gateway', namespace: NS },
        spec: { replicas: 1, selector: { matchLabels: { app: 'gw' } }, template: { metadata: { labels: { app: 'gw' } }, spec: { containers: [{ name: 'gw', image: 'kong:3.6' }], volumes: [{ name: 'tls', secret: { secretName: 'iip-tls-secret' } }] } } },
      });
      await double.waitFor('apps/v1', 'Deployment', NS, 'iip-gateway', d => d.status?.availableReplicas === 1);
      const { action } = setup();
      const run = await runAction(action, { ...base, certificate: renewed.cert + inter.cert, privateKey: renewed.key, restart: ['iip-gateway'] });
      expect(run.error).toBeUndefined();
      expect(run.output.restarted).toEqual(['Deployment/iip-gateway']);
      expect(double.get('apps/v1', 'Deployment', NS, 'iip-gateway').spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeDefined();
    });
  });

  describe('mode cert-manager', () => {
    const before = '2027-01-01T00:00:00Z';
    const after = '2027-03-01T00:00:00Z';
    beforeEach(() => {
      double.seed({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'iip-tls-secret', namespace: NS },
        spec: { secretName: 'iip-tls-secret', dnsNames: ['iip.plantops.example'], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } },
      });
      double.setStatus('cert-manager.io/v1', 'Certificate', NS, 'iip-tls-secret', {
        notAfter: before,
        revision: 1,
        conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' }],
      });
    });

    /** Plays cert-manager: a Certificate marked Issuing gets issued (or fails) shortly after. */
    function certManager(outcome: 'issue' | 'fail') {
      return double.onEvent(e => {
        if (e.object.kind !== 'Certificate' || !e.object.status?.conditions?.some((c: any) => c.type === 'Issuing' && c.status === 'True')) return;
        setTimeout(() => {
          double.setStatus('cert-manager.io/v1', 'Certificate', NS, 'iip-tls-secret',
            outcome === 'issue'
              ? { notAfter: after, revision: 2, conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' }] }
              : { notAfter: before, revision: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }, { type: 'Issuing', status: 'False', reason: 'Failed', message: 'The certificate request has failed to complete and will be retried: ACME order rejected' }] },
          );
        }, 50);
      });
    }

    it('marks the Certificate for renewal as cmctl renew does and waits for Ready with a later notAfter', async () => {
      const stop = certManager('issue');
      const { auditor, action } = setup();
      const run = await runAction(action, { ...base, mode: 'cert-manager' });
      stop();
      expect(run.error).toBeUndefined();
      expect(run.output).toEqual({ secret: `${NS}/iip-tls-secret`, previousNotAfter: before, notAfter: after, created: false, restarted: [] });
      const trigger = double.writes().find(w => w.path.endsWith('/certificates/iip-tls-secret/status'))!;
      expect(trigger.method).toBe('PUT');
      expect((trigger.body as any).status.conditions).toContainEqual(expect.objectContaining({ type: 'Issuing', status: 'True', reason: 'ManuallyTriggered' }));
      expect(auditor.events[0]).toMatchObject({ meta: { mode: 'cert-manager' }, outcome: 'success' });
    });

    it('fails with cert-manager\'s reason, and times out clearly when nothing happens', async () => {
      const stop = certManager('fail');
      const { action } = setup();
      const failed = await runAction(action, { ...base, mode: 'cert-manager' });
      stop();
      expect(failed.error?.message).toBe(
        `cert-manager could not renew Certificate ${NS}/certificate/iip-tls-secret: The certificate request has failed to complete and will be retried: ACME order rejected. kubectl describe certificate iip-tls-secret -n ${NS} shows the CertificateRequest`,
      );
      double.setStatus('cert-manager.io/v1', 'Certificate', NS, 'iip-tls-secret', { notAfter: before, conditions: [{ type: 'Ready', status: 'True' }] });
      const timedOut = await runAction(action, { ...base, mode: 'cert-manager', timeoutSeconds: 1 });
      expect(timedOut.error?.message).toBe(
        `Certificate ${NS}/certificate/iip-tls-secret was not renewed within 1 s: notAfter ${before} (before: ${before}), Ready=True. The renewal stays requested; check kubectl describe certificate iip-tls-secret -n ${NS}`,
      );
    });

    it('dry run reads the Certificate and writes nothing; inputs of the other mode are refused', async () => {
      const { action } = setup();
      double.clearRequests();
      const run = await runAction(action, { ...base, mode: 'cert-manager' }, { dryRun: true });
      expect(run.error).toBeUndefined();
      expect(double.writes()).toEqual([]);
      expect(run.output.previousNotAfter).toBe(before);
      expect((await runAction(action, { ...base, mode: 'cert-manager', privateKey: renewed.key })).error?.message).toBe(
        'privateKey: is only used in mode secret. Leave it out: cert-manager issues the certificate',
      );
      expect((await runAction(action, { ...base, mode: 'cert-manager', certificateName: 'ms5-tls' })).error?.message).toMatch(/^certificateName: no cert-manager Certificate "ms5-tls" in iip-infrastructure/);
      expect((await runAction(action, { ...base, mode: 'acme' })).error?.message).toMatch(/^mode: invalid enum value\. expected 'secret' \| 'cert-manager', received 'acme'/);
    });
  });
});
