import path from 'node:path';
import type { Client } from 'pg';
import { exec } from '../../lib/exec';
import { type PgInstance, libpqEnv, quoteIdent } from './instances';

export function tool(binDir: string | undefined, name: string) {
  return binDir ? path.join(binDir, name) : name;
}

/** User tables (schema.table) of the connected database, partitions as themselves, parents skipped. */
export async function listTables(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%s.%s', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1`,
  );
  return rows.map(r => r.name);
}

/** Exact row counts per table, read in the client's current transaction (so inside a snapshot when one is open). */
export async function countRows(client: Client, tables: string[], signal?: AbortSignal): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) {
    signal?.throwIfAborted();
    const [schema, ...rest] = t.split('.');
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${quoteIdent(schema)}.${quoteIdent(rest.join('.'))}`,
    );
    out[t] = Number(rows[0].n);
  }
  return out;
}

/** Server identity: a restore target with the same systemIdentifier and database is the backup's source. */
export async function serverIdentity(client: Client): Promise<{ systemIdentifier: string; serverVersion: string }> {
  const { rows } = await client.query<{ id: string; v: string }>(
    `SELECT system_identifier::text AS id, current_setting('server_version') AS v FROM pg_control_system()`,
  );
  return { systemIdentifier: rows[0].id, serverVersion: rows[0].v };
}

/** The table-data entries `pg_restore --list` reads from a custom-format dump (fails on a corrupt archive). */
export async function listArchive(binDir: string | undefined, file: string, signal?: AbortSignal): Promise<string[]> {
  const { stdout } = await exec(tool(binDir, 'pg_restore'), ['--list', file], { signal, env: { PATH: process.env.PATH } });
  return stdout
    .split('\n')
    .filter(l => / TABLE DATA /.test(l))
    .map(l => {
      const m = / TABLE DATA (\S+) (\S+) /.exec(l);
      return m ? `${m[1]}.${m[2]}` : l;
    });
}

export async function pgRestore(
  binDir: string | undefined,
  i: PgInstance,
  database: string,
  file: string,
  signal?: AbortSignal,
  scrub?: (t: string) => string,
): Promise<void> {
  await exec(
    tool(binDir, 'pg_restore'),
    ['--no-owner', '--no-acl', '--exit-on-error', '--single-transaction', '--dbname', database, file],
    { env: libpqEnv(i, database), signal, scrub },
  );
}

export async function pgDump(
  binDir: string | undefined,
  i: PgInstance,
  database: string,
  file: string,
  snapshot: string | undefined,
  signal?: AbortSignal,
  scrub?: (t: string) => string,
): Promise<void> {
  const args = ['--format=custom', '--file', file];
  if (snapshot) args.push(`--snapshot=${snapshot}`);
  await exec(tool(binDir, 'pg_dump'), args, { env: libpqEnv(i, database), signal, scrub });
}

/** Drops a database even with sessions on it (PostgreSQL 13+). */
export async function dropDatabase(client: Client, name: string) {
  await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

/** Differences between two row-count maps, as readable lines; empty when equal. */
export function compareCounts(expected: Record<string, number>, actual: Record<string, number>): string[] {
  const diffs: string[] = [];
  for (const t of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    if (expected[t] !== actual[t]) diffs.push(`${t}: expected ${expected[t] ?? 'absent'}, found ${actual[t] ?? 'absent'}`);
  }
  return diffs;
}
