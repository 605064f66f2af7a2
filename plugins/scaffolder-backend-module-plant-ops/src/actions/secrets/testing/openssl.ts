import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, both PEM. */
export interface Pem {
  cert: string;
  key: string;
}

/**
 * Makes real certificates with the `openssl` CLI for tests: a CA, an
 * intermediate, leaves with chosen SANs and lifetimes. EC P-256 keeps it fast.
 */
export class TestPki {
  private readonly dir = mkdtempSync(join(tmpdir(), 'plantops-pki-'));
  private serial = 1;

  private openssl(args: string[]) {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }

  private newKeyAndCsr(name: string, cn: string) {
    this.openssl([
      'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`,
    ]);
  }

  private sign(name: string, issuer: string, days: number, ext: string): Pem {
    writeFileSync(join(this.dir, `${name}.ext`), ext);
    this.openssl([
      'x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.crt`, '-CAkey', `${issuer}.key`,
      '-set_serial', String(this.serial++), '-days', String(days), '-sha256',
      '-extfile', `${name}.ext`, '-out', `${name}.crt`,
    ]);
    return this.read(name);
  }

  private read(name: string): Pem {
    return {
      cert: readFileSync(join(this.dir, `${name}.crt`), 'utf8'),
      key: readFileSync(join(this.dir, `${name}.key`), 'utf8'),
    };
  }

  /** A self-signed root CA. */
  ca(name: string, days = 3650): Pem {
    this.openssl([
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', String(days), '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return this.read(name);
  }

  /** An intermediate CA signed by `issuer` (a name given to ca() or intermediate()). */
  intermediate(name: string, issuer: string, days = 1825): Pem {
    this.newKeyAndCsr(name, name);
    return this.sign(name, issuer, days, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  }

  /** A server certificate for `sans` (e.g. ["DNS:iip.example.com"]), signed by `issuer`. */
  leaf(name: string, issuer: string, sans: string[], days = 90): Pem {
    this.newKeyAndCsr(name, name);
    const san = sans.length ? `subjectAltName=${sans.join(',')}\n` : '';
    return this.sign(name, issuer, days, `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n${san}`);
  }

  /** An unencrypted key unrelated to any certificate. */
  strayKey(): string {
    this.newKeyAndCsr('stray', 'stray');
    return readFileSync(join(this.dir, 'stray.key'), 'utf8');
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
