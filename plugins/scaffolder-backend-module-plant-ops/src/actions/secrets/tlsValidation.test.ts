import { X509Certificate } from 'node:crypto';
import { TestPki, type Pem } from './testing/openssl';
import { validateTls } from './tlsValidation';

describe('validateTls', () => {
  const pki = new TestPki();
  let root: Pem;
  let otherRoot: Pem;
  let inter: Pem;
  let leaf: Pem;
  let shortLeaf: Pem;
  let directLeaf: Pem;
  let noSan: Pem;
  let now: Date;

  beforeAll(() => {
    root = pki.ca('Plantops Test Root');
    otherRoot = pki.ca('Other Root');
    inter = pki.intermediate('Plantops Issuing CA', 'Plantops Test Root');
    leaf = pki.leaf('iip.example.com', 'Plantops Issuing CA', ['DNS:iip.example.com', 'DNS:*.iip.example.com', 'IP:10.1.2.3'], 90);
    shortLeaf = pki.leaf('old.iip.example.com', 'Plantops Issuing CA', ['DNS:iip.example.com'], 30);
    directLeaf = pki.leaf('direct.example.com', 'Plantops Test Root', ['DNS:direct.example.com'], 60);
    noSan = pki.leaf('nosan.example.com', 'Plantops Test Root', [], 60);
    now = new Date();
  });
  afterAll(() => pki.cleanup());

  const bundle = () => leaf.cert + inter.cert;

  it('accepts a matching key, a chain to the CA, the wanted names, and reports public facts only', () => {
    const summary = validateTls(
      { certificate: bundle(), privateKey: leaf.key, caCertificate: root.cert },
      { now, dnsNames: ['iip.example.com', 'api.iip.example.com', '10.1.2.3'], currentCertificate: shortLeaf.cert },
    );
    const x = new X509Certificate(leaf.cert);
    expect(summary).toEqual({
      subject: 'CN=iip.example.com',
      issuer: 'CN=Plantops Issuing CA',
      serialNumber: x.serialNumber,
      fingerprint256: x.fingerprint256,
      notBefore: x.validFromDate.toISOString(),
      notAfter: x.validToDate.toISOString(),
      subjectAltNames: ['DNS:iip.example.com', 'DNS:*.iip.example.com', 'IP Address:10.1.2.3'],
      chainLength: 2,
      verifiedToCa: 'CN=Plantops Test Root',
    });
    expect(JSON.stringify(summary)).not.toContain('PRIVATE KEY');
  });

  it('accepts a chain that already contains the root', () => {
    const summary = validateTls(
      { certificate: bundle() + root.cert, privateKey: leaf.key, caCertificate: root.cert },
      { now },
    );
    expect(summary.chainLength).toBe(3);
    expect(summary.verifiedToCa).toBe('CN=Plantops Test Root');
  });

  it('refuses a key that belongs to another certificate, without echoing the key', () => {
    const stray = pki.strayKey();
    let message = '';
    try {
      validateTls({ certificate: bundle(), privateKey: stray, caCertificate: root.cert }, { now });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^privateKey: does not match the public key of the certificate \(CN=iip.example.com/);
    expect(message).toContain('Pass the private key the certificate was issued for');
    const keyBody = stray.split('\n')[1];
    expect(message).not.toContain(keyBody);
  });

  it('refuses input that is not a key or a certificate, naming the field', () => {
    expect(() => validateTls({ certificate: 'hello', privateKey: leaf.key }, { now })).toThrow(
      /^certificate: holds no PEM certificate/,
    );
    expect(() => validateTls({ certificate: leaf.cert, privateKey: 'not a key' }, { now })).toThrow(
      /^privateKey: holds no PEM private key/,
    );
    const broken = leaf.cert.replace(/\n[A-Za-z0-9+/]{10}/, '\nAAAAAAAAAA');
    expect(() => validateTls({ certificate: broken, privateKey: leaf.key }, { now })).toThrow(
      /^certificate: certificate block 1 of 1 is not a valid X.509 certificate/,
    );
  });

  it('refuses a chain that does not end in the given CA, and a missing intermediate', () => {
    expect(() =>
      validateTls({ certificate: bundle(), privateKey: leaf.key, caCertificate: otherRoot.cert }, { now }),
    ).toThrow(/^certificate: the chain ends at CN=Plantops Issuing CA issued by CN=Plantops Test Root, which is not signed by any certificate in caCertificate \(CN=Other Root\)/);
    expect(() =>
      validateTls({ certificate: leaf.cert, privateKey: leaf.key, caCertificate: root.cert }, { now }),
    ).toThrow(/Append the missing intermediate certificates after the leaf in certificate/);
  });

  it('refuses a bundle in the wrong order', () => {
    expect(() =>
      validateTls({ certificate: leaf.cert + directLeaf.cert, privateKey: leaf.key }, { now }),
    ).toThrow(/^certificate: certificate 1 \(CN=iip.example.com\) is not signed by certificate 2 \(CN=direct.example.com\)/);
  });

  it('refuses an expired certificate and one not yet valid', () => {
    const later = new Date(Date.now() + 91 * 86400_000);
    expect(() => validateTls({ certificate: bundle(), privateKey: leaf.key, caCertificate: root.cert }, { now: later })).toThrow(
      /^certificate: the certificate \(CN=iip.example.com\) expired at .*Renew it and pass the new certificate/,
    );
    const earlier = new Date(Date.now() - 86400_000);
    expect(() => validateTls({ certificate: bundle(), privateKey: leaf.key }, { now: earlier })).toThrow(
      /is not valid before/,
    );
  });

  it('refuses names the certificate does not cover, and a certificate without SANs', () => {
    expect(() =>
      validateTls({ certificate: bundle(), privateKey: leaf.key }, { now, dnsNames: ['ms5.example.com'] }),
    ).toThrow(/^dnsNames: "ms5.example.com" is not covered by the certificate's subjectAltNames \(DNS:iip.example.com, DNS:\*.iip.example.com, IP Address:10.1.2.3\)/);
    expect(() =>
      validateTls({ certificate: bundle(), privateKey: leaf.key }, { now, dnsNames: ['10.9.9.9'] }),
    ).toThrow(/^dnsNames: "10.9.9.9" is not covered/);
    expect(() => validateTls({ certificate: noSan.cert, privateKey: noSan.key }, { now })).toThrow(
      /^certificate: has no DNS or IP subjectAltName/,
    );
  });

  it('refuses a certificate that does not outlive the current one', () => {
    expect(() =>
      validateTls({ certificate: shortLeaf.cert + inter.cert, privateKey: shortLeaf.key }, { now, currentCertificate: leaf.cert }),
    ).toThrow(/^certificate: its notAfter .* is not later than the current certificate's notAfter/);
  });

  it('uses the action field names it is given', () => {
    expect(() =>
      validateTls({ certificate: 'x', privateKey: leaf.key }, { now, fields: { certificate: 'tls.certificate' } }),
    ).toThrow(/^tls.certificate: holds no PEM certificate/);
  });
});
