import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import S3rver from 's3rver';
import { createPostgresBackupAction } from '../backup';
import { createPostgresRestoreAction } from '../restore';
import { capture, makeDeps, resource, run } from '../../../lib/__testUtils__/actionHarness';
import { S3BackupStore, s3SettingsFromConfig, sha256File, storeFromConfig } from '.';
import { PG, sql } from '../testing/sql';

jest.setTimeout(120_000);

// A real S3 REST server (s3rver) on a loopback port, with its own key pair, storing to a temp folder.
const accessKeyId = `PLANTOPS${randomBytes(6).toString('hex').toUpperCase()}`;
const secretAccessKey = `s3-secret-${randomBytes(16).toString('hex')}`;
const bucket = 'plant-backups';
const prefix = `pos3_${randomBytes(3).toString('hex')}`;
const source = `${prefix}_src`;
const pgPassword = `pw-${randomBytes(12).toString('hex')}`;
let server: S3rver;
let endpoint: string;
let dir: string;
let raw: S3Client;


async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise(resolve => srv.close(resolve));
  return port;
}

function target(overrides: JsonObject = {}): JsonObject {
  return {
    type: 's3',
    endpoint,
    region: 'eu-central-1',
    bucket,
    prefix: 'postgres/ms5',
    credentials: { accessKeyId, secretAccessKey },
    ...overrides,
  };
}

function setup(targetConfig = target()) {
  const cap = capture();
  const deps = makeDeps(
    {
      plant: {
        postgres: {
          instances: [
            { name: 'ms5-postgres-primary', ...PG, password: pgPassword, database: source },
            { name: 'ms5-postgres-secondary', ...PG, password: pgPassword, database: `${prefix}_second` },
          ],
          backup: { target: targetConfig },
        },
      },
    },
    [resource('ms5-postgres-primary', 'database'), resource('ms5-postgres-secondary', 'database')],
    cap,
  );
  return { cap, backup: createPostgresBackupAction(deps), restore: createPostgresRestoreAction(deps) };
}

async function keys(): Promise<string[]> {
  const res = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (res.Contents ?? []).map(o => o.Key!).sort();
}

async function objectBytes(key: string): Promise<Buffer> {
  const res = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'plantops-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  registerKeyPair(accessKeyId, secretAccessKey);
  raw = new S3Client({
    endpoint,
    region: 'eu-central-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await sql('postgres', `CREATE DATABASE ${source}`);
  await sql('postgres', `CREATE DATABASE ${prefix}_second`);
  await sql(
    source,
    `CREATE TABLE machines (id int PRIMARY KEY, name text);
     INSERT INTO machines VALUES (1, 'press'), (2, 'lathe'), (3, 'oven');
     CREATE SCHEMA plant;
     CREATE TABLE plant.readings (machine int REFERENCES machines(id), at timestamptz, value double precision);
     INSERT INTO plant.readings SELECT 1 + g % 3, now() - g * interval '1 s', g FROM generate_series(1, 800) g;`,
  );
});

afterAll(async () => {
  raw?.destroy();
  await server?.close();
  const dbs = await sql('postgres', `SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`]);
  for (const { datname } of dbs) await sql('postgres', `DROP DATABASE "${datname}" WITH (FORCE)`);
  await fs.rm(dir, { recursive: true, force: true });
});

/** s3rver knows one built-in key pair (S3RVER/S3RVER); ours is long and random, so a leak would be found in the logs. */
function registerKeyPair(id: string, secret: string) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');
  DUMMY_ACCOUNT.createKeyPair(id, secret);
}

describe('S3 backup target settings', () => {
  const settings = (t: JsonObject) => () => s3SettingsFromConfig(new ConfigReader(t));

  it('reads an S3-compatible target, path-style by default when an endpoint is set', () => {
    expect(settings({ endpoint: 'http://minio:9000', bucket: 'b-1', prefix: '/a/b/', credentials: { accessKeyId: 'k', secretAccessKey: 's' } })()).toEqual({
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      bucket: 'b-1',
      prefix: 'a/b/',
      forcePathStyle: true,
      credentials: { accessKeyId: 'k', secretAccessKey: 's', sessionToken: undefined },
    });
    expect(settings({ bucket: 'aws-bucket', region: 'eu-west-1' })()).toMatchObject({ forcePathStyle: false, prefix: '', credentials: undefined });
  });

  it('picks the store by type, and still reads the older backup.filesystem.path', () => {
    const store = (backup: JsonObject) => storeFromConfig(new ConfigReader({ plant: { postgres: { backup } } }));
    expect(store({ target: { type: 'filesystem', path: '/srv/backups' } })?.describe()).toBe('file:///srv/backups');
    expect(store({ filesystem: { path: '/srv/old' } })?.describe()).toBe('file:///srv/old');
    expect(store({ target: { type: 's3', endpoint: 'http://minio:9000', bucket: 'b-1', prefix: 'pg' } })?.describe()).toBe(
      's3://b-1/pg/ at http://minio:9000',
    );
    expect(store({})).toBeUndefined();
  });

  it('names the field and the fix for each bad value, without the secret', () => {
    expect(settings({ endpoint: 'minio:9000', bucket: 'b-1' })).toThrow(
      'plant.postgres.backup.target.endpoint: is not an http(s) URL. Set it to the server URL',
    );
    expect(settings({ endpoint: `http://user:${secretAccessKey}@minio:9000`, bucket: 'b-1' })).toThrow(
      /^plant\.postgres\.backup\.target\.endpoint: carries credentials in the URL\. Remove them/,
    );
    expect(settings({ endpoint: `http://user:${secretAccessKey}@minio:9000`, bucket: 'b-1' })).not.toThrow(secretAccessKey);
    expect(settings({ endpoint: 'http://minio:9000' })).toThrow('plant.postgres.backup.target.bucket: is missing. Set the name');
    expect(settings({ bucket: 'Bad_Bucket' })).toThrow('plant.postgres.backup.target.bucket: "Bad_Bucket" is not a valid bucket name');
    expect(settings({ bucket: 'b-1', prefix: 'a/../b' })).toThrow(/^plant\.postgres\.backup\.target\.prefix: .* has \. or \.\. segments/);
    expect(settings({ bucket: 'b-1', credentials: { accessKeyId: 'k' } })).toThrow(
      'plant.postgres.backup.target.credentials.secretAccessKey: is missing or empty. Set it from an environment variable',
    );
    expect(() => storeFromConfig(new ConfigReader({ plant: { postgres: { backup: { target: { type: 'ftp' } } } } }))).toThrow(
      'plant.postgres.backup.target.type: "ftp" is not a backup target type. Set type: filesystem (with path) or type: s3',
    );
    expect(() => storeFromConfig(new ConfigReader({ plant: { postgres: { backup: { target: { type: 'filesystem' } } } } }))).toThrow(
      'plant.postgres.backup.target.path: is missing',
    );
  });
});

describe('S3BackupStore on a real S3 server (s3rver)', () => {
  it('streams a dump larger than a part as a multipart upload and fetches it byte for byte', async () => {
    const store = new S3BackupStore(s3SettingsFromConfig(new ConfigReader(target({ prefix: 'multipart' }))), { partSize: 5 * 1024 * 1024 });
    try {
      const file = path.join(dir, 'big.bin');
      await fs.writeFile(file, randomBytes(12 * 1024 * 1024 + 17));
      const sha256 = await sha256File(file);
      const manifest = {
        id: 'big--test--1',
        createdAt: new Date().toISOString(),
        source: { instance: 'big', database: 'test', systemIdentifier: '1', serverVersion: '15' },
        format: 'pg_dump-custom' as const,
        sha256,
        sizeBytes: 12 * 1024 * 1024 + 17,
        tables: {},
      };
      expect(await store.put(file, manifest)).toEqual({ location: `s3://${bucket}/multipart/big--test--1.dump` });
      // Other JSON under the prefix is not a backup.
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'multipart/notes.json', Body: '{"note":"not a backup"}' }));
      expect(await store.list('big', 'test')).toEqual([manifest]);
      expect(await store.find('notes')).toBeUndefined();
      await raw.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'multipart/notes.json' }));
      expect(await store.find('big--test--1')).toEqual(manifest);
      const copy = path.join(dir, 'big.copy');
      await store.fetch('big--test--1', copy);
      expect(await sha256File(copy)).toBe(sha256);
      await store.remove('big--test--1');
      expect(await store.find('big--test--1')).toBeUndefined();
      expect((await keys()).filter(k => k.startsWith('multipart/'))).toEqual([]);
    } finally {
      store.destroy();
    }
  });
});

describe('S3BackupStore cancellation', () => {
  it('a cancelled upload leaves no object and no listed backup', async () => {
    const store = new S3BackupStore(s3SettingsFromConfig(new ConfigReader(target({ prefix: 'cancel' }))), { partSize: 5 * 1024 * 1024 });
    try {
      const file = path.join(dir, 'cancel.bin');
      await fs.writeFile(file, randomBytes(24 * 1024 * 1024));
      const manifest = {
        id: 'cancel--test--1',
        createdAt: new Date().toISOString(),
        source: { instance: 'cancel', database: 'test', systemIdentifier: '1', serverVersion: '15' },
        format: 'pg_dump-custom' as const,
        sha256: await sha256File(file),
        sizeBytes: 24 * 1024 * 1024,
        tables: {},
      };
      const controller = new AbortController();
      const putting = store.put(file, manifest, controller.signal);
      setTimeout(() => controller.abort(), 150);
      await expect(putting).rejects.toMatchObject({ name: 'AbortError' });
      expect(await store.list('cancel', 'test')).toEqual([]);
      expect((await keys()).filter(k => k.startsWith('cancel/'))).toEqual([]);
      await expect(store.put(file, manifest, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      store.destroy();
    }
  });
});

describe('plant:postgres:backup and restore with an S3 target (real PostgreSQL, real S3 server)', () => {
  it('dry run lists the bucket and puts no object', async () => {
    const { cap, backup } = setup();
    const before = await keys();
    const out = await run(backup, { database: 'ms5-postgres-primary' }, { cap, dryRun: true });
    expect((out.plan as string[])[2]).toBe(`store with sha256 in s3://${bucket}/postgres/ms5/ at ${endpoint}`);
    expect(out.backupId).toBeUndefined();
    // The same through the step's dryRun input, as the templates pass the form's checkbox.
    const viaInput = await run(backup, { database: 'ms5-postgres-primary', dryRun: true }, { cap });
    expect(viaInput.plan).toEqual(out.plan);
    expect(viaInput.backupId).toBeUndefined();
    expect(await keys()).toEqual(before);
    expect(cap.text()).not.toContain(secretAccessKey);
  });

  it('backs up to the bucket with the sha256 and restores into a scratch database with equal row counts', async () => {
    const { cap, backup, restore } = setup();
    const out = await run(backup, { database: 'ms5-postgres-primary' }, { cap });
    expect(out).toMatchObject({ verified: true, tables: 2, rows: 803, deletedBackups: [] });
    const id = out.backupId as string;
    expect(out.location).toBe(`s3://${bucket}/postgres/ms5/${id}.dump`);
    expect(await keys()).toEqual(expect.arrayContaining([`postgres/ms5/${id}.dump`, `postgres/ms5/${id}.json`]));
    const dump = await objectBytes(`postgres/ms5/${id}.dump`);
    expect(createHash('sha256').update(dump).digest('hex')).toBe(out.sha256);
    expect(dump.length).toBe(out.sizeBytes);
    const manifest = JSON.parse((await objectBytes(`postgres/ms5/${id}.json`)).toString('utf8'));
    expect(manifest).toMatchObject({ id, sha256: out.sha256, tables: { 'public.machines': 3, 'plant.readings': 800 } });

    const restored = await run(restore, { backupId: id, target: 'ms5-postgres-secondary', targetDatabase: `${prefix}_restored` }, { cap });
    expect(restored).toMatchObject({ restoredDatabase: `${prefix}_restored`, tables: 2, rows: 803 });
    const counts = async (db: string) =>
      (await sql(db, 'SELECT (SELECT count(*) FROM machines)::int AS m, count(*)::int AS n, sum(value)::int AS s FROM plant.readings'))[0];
    expect(await counts(`${prefix}_restored`)).toEqual(await counts(source));
    expect(cap.lines.join('\n')).toContain(`Checksum of ${id} verified (sha256 ${out.sha256})`);
    expect(cap.text()).not.toContain(secretAccessKey);
    expect(cap.text()).not.toContain(accessKeyId);
    expect(cap.text()).not.toContain(pgPassword);
  });

  it('retention deletes the oldest backups (dump and manifest), never the new one', async () => {
    const { cap, backup } = setup();
    await run(backup, { database: 'ms5-postgres-primary' }, { cap });
    const before = (await keys()).filter(k => k.startsWith('postgres/ms5/') && k.endsWith('.json'));
    expect(before).toHaveLength(2);
    const manifests = await Promise.all(before.map(async k => JSON.parse((await objectBytes(k)).toString('utf8'))));
    const oldest = manifests.sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0].id;
    const send = jest.spyOn(S3Client.prototype, 'send');
    const destroy = jest.spyOn(S3Client.prototype, 'destroy');
    let out: JsonObject;
    try {
      out = await run(backup, { database: 'ms5-postgres-primary', keep: 2 }, { cap });
      // One listing serves the plan and the retention; the task's client is closed when it ends.
      expect(send.mock.calls.filter(([command]) => command instanceof ListObjectsV2Command).length).toBe(1);
      expect(destroy).toHaveBeenCalledTimes(1);
    } finally {
      send.mockRestore();
      destroy.mockRestore();
    }
    expect(out.deletedBackups).toEqual([oldest]);
    const after = (await keys()).filter(k => k.startsWith('postgres/ms5/'));
    expect(after).not.toContain(`postgres/ms5/${oldest}.dump`);
    expect(after).not.toContain(`postgres/ms5/${oldest}.json`);
    expect(after).toContain(`postgres/ms5/${out.backupId}.dump`);
    expect(after).toHaveLength(4);
  });

  it('refuses a corrupted object on restore and changes nothing', async () => {
    const { cap, restore } = setup();
    const id = (await keys()).find(k => k.startsWith('postgres/ms5/') && k.endsWith('.dump'))!.slice('postgres/ms5/'.length, -'.dump'.length);
    const dump = await objectBytes(`postgres/ms5/${id}.dump`);
    dump.write('XX', 200);
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: `postgres/ms5/${id}.dump`, Body: dump }));
    await expect(
      run(restore, { backupId: id, target: 'ms5-postgres-secondary', targetDatabase: `${prefix}_never` }, { cap }),
    ).rejects.toThrow(new RegExp(`^backup ${id} is corrupt: sha256 [0-9a-f]{64} does not match the recorded [0-9a-f]{64}; nothing was changed`));
    expect(await sql('postgres', 'SELECT 1 FROM pg_database WHERE datname LIKE $1', [`${prefix}_never%`])).toEqual([]);
    expect(cap.audits.at(-1)).toMatchObject({ phase: 'fail' });
  });

  // s3rver checks access key ids but not SigV4 signatures, so a wrong secret key cannot be shown here.
  it('names the config field and the fix for a bad endpoint, bucket or access key, with no secret in it', async () => {
    const cases: Array<[JsonObject, RegExp]> = [
      [{ endpoint: `http://127.0.0.1:${await closedPort()}` }, /^plant\.postgres\.backup\.target\.endpoint: cannot reach the S3 server at http:\/\/127\.0\.0\.1:\d+ while listing backups \(ECONNREFUSED\)\. Check the URL/],
      [{ bucket: 'no-such-bucket' }, /^plant\.postgres\.backup\.target\.bucket: bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+\. Create the bucket/],
      [{ credentials: { accessKeyId: 'UNKNOWNKEY1234567890', secretAccessKey } }, /^plant\.postgres\.backup\.target\.credentials\.accessKeyId: the S3 server at .* does not know this access key\. Set it/],
    ];
    for (const [overrides, message] of cases) {
      const { cap, backup } = setup(target(overrides));
      const before = await keys();
      for (const dryRun of [true, false]) {
        const error = await run(backup, { database: 'ms5-postgres-primary' }, { cap, dryRun }).catch(e => e as Error);
        expect({ overrides, dryRun, error }).toEqual({ overrides, dryRun, error: expect.any(Error) });
        expect((error as Error).message).toMatch(message);
        expect(`${(error as Error).message}\n${(error as Error).stack}`).not.toContain(secretAccessKey);
      }
      expect(await keys()).toEqual(before);
      expect(cap.text()).not.toContain(secretAccessKey);
    }
  });
});
