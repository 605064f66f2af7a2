import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPostgresBackupAction } from './backup';
import { createPostgresRestoreAction } from './restore';
import { FilesystemBackupStore, sha256File } from './backupStore';
import { capture, makeDeps, resource, run } from '../../lib/__testUtils__/actionHarness';
import { PG, sql } from './testing/sql';

jest.setTimeout(120_000);

const prefix = `pobk_${randomBytes(3).toString('hex')}`;
const source = `${prefix}_src`;
// The server trusts loopback, so this is never checked; it stands for the secret that must never show.
const password = `pw-${randomBytes(12).toString('hex')}`;
let dir: string;


function setup() {
  const cap = capture();
  const deps = makeDeps(
    {
      plant: {
        postgres: {
          instances: [
            { name: 'ms5-postgres-primary', ...PG, password, database: source },
            { name: 'ms5-postgres-secondary', ...PG, password, database: `${prefix}_second` },
          ],
        },
      },
    },
    [resource('ms5-postgres-primary', 'database'), resource('ms5-postgres-secondary', 'database'), resource('ms5-kafka', 'message-broker')],
    cap,
  );
  const store = new FilesystemBackupStore(dir);
  return {
    cap,
    store,
    backup: createPostgresBackupAction({ ...deps, store }),
    restore: createPostgresRestoreAction({ ...deps, store }),
  };
}

const expected = { 'public.machines': 3, 'public.empty_table': 0, 'plant.readings': 500 };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'plantops-backup-test-'));
  await sql('postgres', `CREATE DATABASE ${source}`);
  await sql('postgres', `CREATE DATABASE ${prefix}_second`);
  await sql(
    source,
    `CREATE TABLE machines (id int PRIMARY KEY, name text);
     INSERT INTO machines VALUES (1, 'press'), (2, 'lathe'), (3, 'oven');
     CREATE TABLE empty_table (x int);
     CREATE SCHEMA plant;
     CREATE TABLE plant.readings (machine int REFERENCES machines(id), at timestamptz, value double precision);
     INSERT INTO plant.readings SELECT 1 + g % 3, now() - g * interval '1 s', g FROM generate_series(1, 500) g;`,
  );
});

afterAll(async () => {
  const dbs = await sql('postgres', `SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`]);
  for (const { datname } of dbs) await sql('postgres', `DROP DATABASE "${datname}" WITH (FORCE)`);
  await fs.rm(dir, { recursive: true, force: true });
});

async function scratchDatabases() {
  return (await sql('postgres', `SELECT datname FROM pg_database WHERE datname LIKE 'plantops_verify_%'`)).length;
}

describe('plant:postgres:backup and restore (real PostgreSQL)', () => {
  it('dry run reads the source and writes nothing', async () => {
    const { cap, backup, store } = setup();
    const out = await run(backup, { database: 'resource:default/ms5-postgres-primary' }, { cap, dryRun: true });
    expect((out.plan as string[])[0]).toContain(`pg_dump -Fc ${source} on ms5-postgres-primary (3 tables)`);
    expect(out.backupId).toBeUndefined();
    expect(await store.list('ms5-postgres-primary', source)).toHaveLength(0);
    expect(cap.audits.map(a => a.phase)).toEqual(['start', 'success']);
  });

  it('backs up, verifies in a scratch database it drops, and stores the sha256', async () => {
    const { cap, backup, store } = setup();
    const before = await scratchDatabases();
    const out = await run(backup, { database: 'ms5-postgres-primary' }, { cap });
    expect(out).toMatchObject({ verified: true, tables: 3, rows: 503, deletedBackups: [] });
    const [manifest] = await store.list('ms5-postgres-primary', source);
    expect(manifest.id).toBe(out.backupId);
    expect(manifest.tables).toEqual(expected);
    const dump = path.join(dir, `${manifest.id}.dump`);
    expect(await sha256File(dump)).toBe(out.sha256);
    expect((await fs.stat(dump)).size).toBe(out.sizeBytes);
    expect(await scratchDatabases()).toBe(before);
    expect(cap.lines.join('\n')).toContain('Verified: scratch restore matches 3 tables');
    expect(cap.text()).not.toContain(password);
  });

  it('a retried task does not back up twice', async () => {
    const { cap, backup, store } = setup();
    const checkpoints = new Map();
    const first = await run(backup, { database: 'ms5-postgres-primary' }, { cap, checkpoints });
    const count = (await store.list('ms5-postgres-primary', source)).length;
    const second = await run(backup, { database: 'ms5-postgres-primary' }, { cap, checkpoints });
    expect(second.backupId).toBe(first.backupId);
    expect(await store.list('ms5-postgres-primary', source)).toHaveLength(count);
  });

  it('applies the retention policy (keep N) and never removes the new backup', async () => {
    const { cap, backup, store } = setup();
    const before = (await store.list('ms5-postgres-primary', source)).map(m => m.id);
    expect(before.length).toBeGreaterThanOrEqual(2);
    const out = await run(backup, { database: 'ms5-postgres-primary', keep: 1 }, { cap });
    expect((out.deletedBackups as string[]).sort()).toEqual([...before].sort());
    expect((await store.list('ms5-postgres-primary', source)).map(m => m.id)).toEqual([out.backupId]);
    await expect(fs.access(path.join(dir, `${before[0]}.dump`))).rejects.toThrow();
  });

  it('restores into a new database with identical rows', async () => {
    const { cap, store, restore } = setup();
    const [m] = await store.list('ms5-postgres-primary', source);
    const out = await run(restore, { backupId: m.id, target: 'ms5-postgres-secondary', targetDatabase: `${prefix}_new` }, { cap });
    expect(out).toMatchObject({ restoredDatabase: `${prefix}_new`, tables: 3, rows: 503 });
    expect(out.previousDatabaseKeptAs).toBeUndefined();
    const rows = await sql(`${prefix}_new`, 'SELECT sum(value)::int AS s, count(*)::int AS n FROM plant.readings');
    expect(rows[0]).toEqual({ s: 125250, n: 500 });
    expect(cap.text()).not.toContain(password);
  });

  it('refuses a non-empty target without replaceExisting and the repeated name, and replaces it keeping the old one', async () => {
    const { cap, store, restore } = setup();
    const [m] = await store.list('ms5-postgres-primary', source);
    const target = `${prefix}_busy`;
    await sql('postgres', `CREATE DATABASE ${target}`);
    await sql(target, 'CREATE TABLE keepme (x int); INSERT INTO keepme VALUES (42)');
    const input = { backupId: m.id, target: 'ms5-postgres-secondary', targetDatabase: target };
    await expect(run(restore, input, { cap })).rejects.toThrow(/^replaceExisting: target .* is not empty \(1 tables\)/);
    await expect(run(restore, { ...input, replaceExisting: true, confirmTargetName: 'wrong' }, { cap })).rejects.toThrow(
      /^confirmTargetName: must repeat the target database name/,
    );
    expect(await sql(target, 'SELECT x FROM keepme')).toEqual([{ x: 42 }]);

    const dry = await run(restore, { ...input, replaceExisting: true, confirmTargetName: target }, { cap, dryRun: true });
    expect((dry.plan as string[])[2]).toMatch(new RegExp(`^rename ${target} to ${target}_pre_restore_`));
    expect(await sql(target, 'SELECT x FROM keepme')).toEqual([{ x: 42 }]);

    const out = await run(restore, { ...input, replaceExisting: true, confirmTargetName: target }, { cap });
    expect(out.previousDatabaseKeptAs).toMatch(new RegExp(`^${target}_pre_restore_`));
    expect(await sql(target, 'SELECT count(*)::int AS n FROM machines')).toEqual([{ n: 3 }]);
    expect(await sql(out.previousDatabaseKeptAs as string, 'SELECT x FROM keepme')).toEqual([{ x: 42 }]);
  });

  it('never restores into the backup\'s source by accident', async () => {
    const { cap, store, restore } = setup();
    const [m] = await store.list('ms5-postgres-primary', source);
    await expect(
      run(restore, { backupId: m.id, target: 'ms5-postgres-primary', replaceExisting: true, confirmTargetName: source }, { cap }),
    ).rejects.toThrow(/^restoreIntoSource: .* is the database backup .* was taken from/);
    expect(await sql(source, 'SELECT count(*)::int AS n FROM plant.readings')).toEqual([{ n: 500 }]);
  });

  it('refuses a backup whose checksum does not match, touching nothing', async () => {
    const { cap, store, restore } = setup();
    const [m] = await store.list('ms5-postgres-primary', source);
    const copy = { ...m, id: `${m.id}-tampered` };
    const file = path.join(dir, 'tampered.dump');
    await store.fetch(m.id, file);
    const fh = await fs.open(file, 'r+');
    await fh.write(Buffer.from('XX'), 0, 2, 200);
    await fh.close();
    await store.put(file, copy);
    await expect(
      run(restore, { backupId: copy.id, target: 'ms5-postgres-secondary', targetDatabase: `${prefix}_never` }, { cap }),
    ).rejects.toThrow(/is corrupt: sha256 .* does not match the recorded/);
    expect(await sql('postgres', 'SELECT 1 FROM pg_database WHERE datname LIKE $1', [`${prefix}_never%`])).toEqual([]);
    expect(cap.audits.at(-1)).toMatchObject({ phase: 'fail' });
  });

  it('names the field and the fix for bad inputs', async () => {
    const { cap, backup, restore } = setup();
    await expect(run(backup, { database: 'resource:default/ms5-kafka' }, { cap })).rejects.toThrow(
      'database: resource:default/ms5-kafka is of type "message-broker". Pick a Resource of type database',
    );
    await expect(run(backup, { database: 'resource:default/nope' }, { cap })).rejects.toThrow(/^database: resource:default\/nope is not in the catalog/);
    await expect(run(backup, { database: 'component:default/x' }, { cap })).rejects.toThrow(/^database: .* is a component, not a Resource/);
    await expect(run(restore, { backupId: 'missing', target: 'ms5-postgres-secondary' }, { cap })).rejects.toThrow(/^backupId: no backup "missing"/);
  });

  it('stores nothing when the dump does not restore, and drops the scratch database anyway', async () => {
    // A classic: a CHECK calling a function that reads another table without its schema; pg_restore runs
    // with an empty search_path, so the data load fails although pg_dump succeeded.
    const broken = `${prefix}_broken`;
    await sql('postgres', `CREATE DATABASE ${broken}`);
    await sql(
      broken,
      `CREATE TABLE limits (lo int); INSERT INTO limits VALUES (0);
       CREATE FUNCTION above_limit(v int) RETURNS boolean LANGUAGE sql AS 'SELECT v > (SELECT min(lo) FROM limits)';
       CREATE TABLE readings (v int CHECK (above_limit(v))); INSERT INTO readings VALUES (1), (2);`,
    );
    const cap = capture();
    const deps = makeDeps(
      { plant: { postgres: { instances: [{ name: 'ms5-postgres-primary', ...PG, password, database: broken }] } } },
      [resource('ms5-postgres-primary', 'database')],
      cap,
    );
    const store = new FilesystemBackupStore(dir);
    const before = await scratchDatabases();
    await expect(run(createPostgresBackupAction({ ...deps, store }), { database: 'ms5-postgres-primary' }, { cap })).rejects.toThrow(
      /pg_restore exited with 1: .*relation "limits" does not exist/s,
    );
    expect(await store.list('ms5-postgres-primary', broken)).toEqual([]);
    expect(await scratchDatabases()).toBe(before);
    expect(cap.audits.at(-1)).toMatchObject({ phase: 'fail' });
    expect(cap.text()).not.toContain(password);
  });
});
