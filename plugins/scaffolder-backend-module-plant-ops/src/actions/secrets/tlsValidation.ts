import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { fieldError } from '../../lib/errors';

/** Public facts about a validated certificate: safe for logs, outputs and audit records. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  fingerprint256: string;
  notBefore: string;
  notAfter: string;
  subjectAltNames: string[];
  /** Certificates in the chain given, leaf first. */
  chainLength: number;
  /** Subject of the CA the chain was verified to, or null when no CA was given. */
  verifiedToCa: string | null;
}

export interface TlsInput {
  /** PEM: the leaf, then any intermediates. */
  certificate: string;
  /** PEM private key of the leaf (a secret: never echoed). */
  privateKey: string;
  /** PEM: one or more trusted CA certificates the chain must end in. */
  caCertificate?: string;
}

export interface TlsCheckOptions {
  now: Date;
  /** Names the certificate must cover (DNS names or IP addresses). */
  dnsNames?: string[];
  /** The certificate being replaced: the new notAfter must be later than its notAfter. */
  currentCertificate?: string;
  /** Field names to use in errors, so they match the action's input. */
  fields?: Partial<Record<'certificate' | 'privateKey' | 'caCertificate' | 'dnsNames', string>>;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Parses every certificate block of a PEM bundle, in order. */
export function parseCertificates(pem: string, field: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) {
    throw fieldError(
      field,
      'holds no PEM certificate',
      'Pass the PEM text, starting with -----BEGIN CERTIFICATE-----',
    );
  }
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw fieldError(
        field,
        `certificate block ${i + 1} of ${blocks.length} is not a valid X.509 certificate`,
        'Pass the certificate exactly as issued (PEM), without edits',
      );
    }
  });
}

function parsePrivateKey(pem: string, field: string): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw fieldError(
      field,
      'holds no PEM private key',
      'Pass the unencrypted PEM key, starting with -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY)',
    );
  }
  if (/ENCRYPTED/.test(pem)) {
    throw fieldError(
      field,
      'is encrypted with a passphrase',
      'Decrypt it first (openssl pkey -in key.pem -out plain.pem); Kubernetes TLS Secrets hold unencrypted keys',
    );
  }
  try {
    return createPrivateKey(pem);
  } catch {
    // The crypto error text is dropped on purpose: it must never carry key material.
    throw fieldError(field, 'could not be parsed as a private key', 'Pass the PEM key exactly as generated');
  }
}

/** The SAN entries, e.g. ["DNS:iip.example.com", "IP Address:10.0.0.1"]. */
export function subjectAltNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(/,\s*/)
    .map(s => s.trim())
    .filter(Boolean);
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

function checkValidAt(cert: X509Certificate, now: Date, field: string, what: string) {
  if (now < cert.validFromDate) {
    throw fieldError(
      field,
      `${what} (${oneLine(cert.subject)}) is not valid before ${cert.validFromDate.toISOString()}`,
      'Wait until it becomes valid, or check the clock of the issuing CA',
    );
  }
  if (now >= cert.validToDate) {
    throw fieldError(
      field,
      `${what} (${oneLine(cert.subject)}) expired at ${cert.validToDate.toISOString()}`,
      'Renew it and pass the new certificate',
    );
  }
}

function isSignedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  return child.checkIssued(issuer) && child.verify(issuer.publicKey);
}

/**
 * Checks a certificate, its key, its chain and its dates the way a careful
 * operator would before `kubectl create secret tls`: the key matches the leaf,
 * each certificate is signed by the next, the last one by a given CA, nothing
 * is expired, the leaf covers the wanted names, and it outlives the one it
 * replaces. Throws a field error naming the input and the fix; never includes
 * key material in any message.
 */
export function validateTls(input: TlsInput, options: TlsCheckOptions): CertificateSummary {
  const f = {
    certificate: 'certificate',
    privateKey: 'privateKey',
    caCertificate: 'caCertificate',
    dnsNames: 'dnsNames',
    ...options.fields,
  };
  const chain = parseCertificates(input.certificate, f.certificate);
  const leaf = chain[0];
  const key = parsePrivateKey(input.privateKey, f.privateKey);

  if (!leaf.checkPrivateKey(key)) {
    throw fieldError(
      f.privateKey,
      `does not match the public key of the certificate (${oneLine(leaf.subject)}, SHA-256 ${leaf.fingerprint256})`,
      'Pass the private key the certificate was issued for',
    );
  }

  chain.forEach((cert, i) =>
    checkValidAt(cert, options.now, f.certificate, i === 0 ? 'the certificate' : `chain certificate ${i + 1}`),
  );

  for (let i = 0; i + 1 < chain.length; i++) {
    if (!isSignedBy(chain[i], chain[i + 1])) {
      throw fieldError(
        f.certificate,
        `certificate ${i + 1} (${oneLine(chain[i].subject)}) is not signed by certificate ${i + 2} (${oneLine(chain[i + 1].subject)})`,
        'Order the bundle leaf first, then each issuer, and leave out unrelated certificates',
      );
    }
    if (!chain[i + 1].ca) {
      throw fieldError(
        f.certificate,
        `certificate ${i + 2} (${oneLine(chain[i + 1].subject)}) signs another certificate but is not a CA (basicConstraints CA:FALSE)`,
        'Pass the real intermediate CA certificate',
      );
    }
  }

  let verifiedToCa: string | null = null;
  if (input.caCertificate !== undefined) {
    const cas = parseCertificates(input.caCertificate, f.caCertificate);
    const last = chain[chain.length - 1];
    const anchor = cas.find(ca => ca.fingerprint256 === last.fingerprint256 || isSignedBy(last, ca));
    if (!anchor) {
      throw fieldError(
        f.certificate,
        `the chain ends at ${oneLine(last.subject)} issued by ${oneLine(last.issuer)}, which is not signed by any certificate in ${f.caCertificate} (${cas.map(c => oneLine(c.subject)).join('; ')})`,
        `Append the missing intermediate certificates after the leaf in ${f.certificate}, or pass the issuing CA in ${f.caCertificate}`,
      );
    }
    if (!anchor.ca) {
      throw fieldError(f.caCertificate, `${oneLine(anchor.subject)} is not a CA certificate`, 'Pass the CA certificate that issued the chain');
    }
    checkValidAt(anchor, options.now, f.caCertificate, 'the CA certificate');
    verifiedToCa = oneLine(anchor.subject);
  }

  const sans = subjectAltNames(leaf);
  if (!sans.some(s => s.startsWith('DNS:') || s.startsWith('IP Address:'))) {
    throw fieldError(
      f.certificate,
      `has no DNS or IP subjectAltName (${oneLine(leaf.subject)}); clients ignore the CN`,
      'Issue the certificate with the host names as subjectAltNames',
    );
  }
  for (const name of options.dnsNames ?? []) {
    const covered = isIP(name)
      ? leaf.checkIP(name) !== undefined
      : leaf.checkHost(name, { subject: 'never' }) !== undefined;
    if (!covered) {
      throw fieldError(
        f.dnsNames,
        `"${name}" is not covered by the certificate's subjectAltNames (${sans.join(', ')})`,
        `Issue the certificate for "${name}", or remove it from ${f.dnsNames}`,
      );
    }
  }

  if (options.currentCertificate) {
    const [current] = parseCertificates(options.currentCertificate, 'current Secret tls.crt');
    if (leaf.validToDate <= current.validToDate) {
      throw fieldError(
        f.certificate,
        `its notAfter ${leaf.validToDate.toISOString()} is not later than the current certificate's notAfter ${current.validToDate.toISOString()}`,
        'Pass a renewed certificate that outlives the one in the Secret',
      );
    }
  }

  return {
    subject: oneLine(leaf.subject),
    issuer: oneLine(leaf.issuer),
    serialNumber: leaf.serialNumber,
    fingerprint256: leaf.fingerprint256,
    notBefore: leaf.validFromDate.toISOString(),
    notAfter: leaf.validToDate.toISOString(),
    subjectAltNames: sans,
    chainLength: chain.length,
    verifiedToCa,
  };
}
