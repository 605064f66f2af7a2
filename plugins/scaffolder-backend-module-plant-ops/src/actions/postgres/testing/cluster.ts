import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { exec } from '../../../lib/exec';

/**
 * Throwaway PostgreSQL 15 servers for tests that need a server of their own:
 * password (SCRAM) authentication, statement logging, streaming replication.
 * initdb and pg_ctl refuse root, so as root they run as the postgres user.
 */
export const PG_BIN = process.env.PLANTOPS_PG_BIN ?? '/usr/lib/postgresql/15/bin';

function asPostgres(bin: string, args: string[]): [string, string[]] {
  const full = path.join(PG_BIN, bin);
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', full, ...args]] : [full, args];
}

export async function pgBin(bin: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const [cmd, argv] = asPostgres(bin, args);
  return exec(cmd, argv, { env: { PATH: process.env.PATH, ...env } });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class TestCluster {
  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly port: number,
    readonly superPassword: string,
  ) {}

  get logFile() {
    return `${this.dataDir}.log`;
  }

  conn(database = 'postgres', user = 'postgres', password = this.superPassword) {
    return { host: '127.0.0.1', port: this.port, user, password, database };
  }

  async query<T extends Record<string, any> = any>(text: string, params: unknown[] = [], database = 'postgres'): Promise<T[]> {
    const c = new Client(this.conn(database));
    c.on('error', () => {});
    await c.connect();
    try {
      return (await c.query<T>(text, params)).rows;
    } finally {
      await c.end().catch(() => {});
    }
  }

  async start() {
    await pgBin('pg_ctl', ['-D', this.dataDir, '-l', this.logFile, '-w', '-t', '60', 'start']);
  }

  async stop(mode: 'fast' | 'immediate' = 'fast') {
    await pgBin('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']).catch(() => {});
  }

  async log(): Promise<string> {
    return fs.readFile(this.logFile, 'utf8').catch(() => '');
  }
}

const BASE_CONF = (port: number, socketDir: string) => `
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${socketDir}'
wal_level = replica
max_wal_senders = 8
wal_log_hints = on
hot_standby = on
wal_keep_size = '256MB'
fsync = off
shared_buffers = '32MB'
max_connections = 40
log_line_prefix = '%m [%p] %u@%d '
`;

/**
 * A set of servers under one temp dir owned by postgres; `cleanup` stops them
 * all and deletes the dir, whatever state they are in.
 */
export class TestClusters {
  private readonly clusters: TestCluster[] = [];
  private constructor(readonly root: string, readonly superPassword: string) {}

  static async create(superPassword = `sup-${Math.random().toString(36).slice(2)}xyz`) {
    await TestClusters.sweepStale();
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'plantops-pg-'));
    await fs.writeFile(path.join(root, 'owner.pid'), String(process.pid));
    await fs.chmod(root, 0o755);
    if (process.getuid?.() === 0) await exec('chown', ['postgres:postgres', root]);
    return new TestClusters(root, superPassword);
  }

  /** initdb + start: SCRAM for TCP logins and replication, trust on the private socket. */
  async primary(name = 'primary'): Promise<TestCluster> {
    const dir = path.join(this.root, name);
    const pwfile = path.join(this.root, 'pw');
    await fs.writeFile(pwfile, this.superPassword);
    if (process.getuid?.() === 0) await exec('chown', ['postgres:postgres', pwfile]);
    await pgBin('initdb', ['-D', dir, '-U', 'postgres', '--pwfile', pwfile, '--auth-host=scram-sha-256', '--auth-local=trust', '--data-checksums', '-E', 'UTF8', '--locale=C']);
    await fs.rm(pwfile);
    const port = await freePort();
    await fs.appendFile(path.join(dir, 'postgresql.conf'), BASE_CONF(port, this.root));
    await fs.appendFile(path.join(dir, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 scram-sha-256\n');
    const c = new TestCluster(name, dir, port, this.superPassword);
    this.clusters.push(c);
    await c.start();
    return c;
  }

  /** A streaming standby of `of` made with pg_basebackup -R (its primary_conninfo carries the password, as it would in production). */
  async standby(of: TestCluster, name = 'standby'): Promise<TestCluster> {
    const dir = path.join(this.root, name);
    await pgBin(
      'pg_basebackup',
      ['-h', '127.0.0.1', '-p', String(of.port), '-U', 'postgres', '-D', dir, '-R', '-X', 'stream', '-c', 'fast'],
      { PGPASSWORD: this.superPassword },
    );
    const port = await freePort();
    await fs.appendFile(path.join(dir, 'postgresql.conf'), `port = ${port}\n`);
    const c = new TestCluster(name, dir, port, this.superPassword);
    this.clusters.push(c);
    await c.start();
    return c;
  }

  /**
   * Servers left by a test process that was killed before its afterAll ran
   * (its owner.pid is gone): stopped and deleted, so they do not pile up.
   */
  static async sweepStale() {
    const names = await fs.readdir(os.tmpdir()).catch(() => [] as string[]);
    for (const n of names.filter(x => x.startsWith('plantops-pg-'))) {
      const root = path.join(os.tmpdir(), n);
      const pid = Number(await fs.readFile(path.join(root, 'owner.pid'), 'utf8').catch(() => 'NaN'));
      if (!Number.isInteger(pid) || isAlive(pid)) continue;
      for (const d of await fs.readdir(root).catch(() => [] as string[])) {
        const dir = path.join(root, d);
        if (await fs.stat(path.join(dir, 'PG_VERSION')).then(() => true, () => false)) {
          await pgBin('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
        }
      }
      await fs.rm(root, { recursive: true, force: true });
    }
  }

  adopt(c: TestCluster) {
    if (!this.clusters.includes(c)) this.clusters.push(c);
  }

  async cleanup() {
    for (const c of this.clusters) await c.stop('immediate');
    await fs.rm(this.root, { recursive: true, force: true });
  }
}
