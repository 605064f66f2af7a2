import type { Config } from '@backstage/config';
import { Client, type ClientConfig } from 'pg';
import { fieldError } from '../../lib/errors';
import { resolveResource } from '../../lib/catalogResource';
import type { PlantOpsDeps } from '../../deps';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';

/** Connection settings of one configured PostgreSQL instance (`plant.postgres.instances[]`). */
export interface PgInstance {
  name: string;
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  local?: { dataDirectory: string; binDir: string; osUser?: string; logFile: string };
}

export function readInstances(config: Config): PgInstance[] {
  const list = config.getOptionalConfigArray('plant.postgres.instances') ?? [];
  return list.map(c => {
    const local = c.getOptionalConfig('local');
    return {
      name: c.getString('name'),
      host: c.getString('host'),
      port: c.getOptionalNumber('port') ?? 5432,
      user: c.getString('user'),
      password: c.getOptionalString('password'),
      database: c.getString('database'),
      local: local
        ? {
            dataDirectory: local.getString('dataDirectory'),
            binDir: local.getOptionalString('binDir') ?? '/usr/lib/postgresql/15/bin',
            osUser: local.getOptionalString('osUser'),
            logFile: local.getOptionalString('logFile') ?? `${local.getString('dataDirectory').replace(/\/+$/, '')}.log`,
          }
        : undefined,
    };
  });
}

/**
 * The instance an input field names: a catalog Resource of type database with
 * connection settings under plant.postgres.instances (same name).
 */
export async function resolveInstance(
  deps: Pick<PlantOpsDeps, 'catalog' | 'config'>,
  credentials: BackstageCredentials,
  field: string,
  ref: string,
): Promise<PgInstance & { ref: string }> {
  const { name, ref: entityRef } = await resolveResource({
    catalog: deps.catalog,
    credentials,
    field,
    ref,
    types: ['database'],
  });
  const instance = readInstances(deps.config).find(i => i.name === name);
  if (!instance) {
    throw fieldError(
      field,
      `${entityRef} has no connection settings`,
      `Add an entry with name "${name}" under plant.postgres.instances in app-config`,
    );
  }
  return { ...instance, ref: entityRef };
}

export function clientConfig(i: PgInstance, database = i.database, user = i.user, password = i.password): ClientConfig {
  return {
    host: i.host,
    port: i.port,
    user,
    password,
    database,
    connectionTimeoutMillis: 10_000,
    application_name: 'plantops-ops',
  };
}

/** Runs `fn` with a connected client, always closing it. */
export async function withClient<T>(cfg: ClientConfig, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client(cfg);
  // A dropped connection emits 'error' on an idle client; the query that needs it will throw.
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Environment for libpq tools (pg_dump, pg_restore, pg_rewind): the password goes in PGPASSWORD, never in argv. */
export function libpqEnv(i: PgInstance, database = i.database): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PGHOST: i.host,
    PGPORT: String(i.port),
    PGUSER: i.user,
    PGDATABASE: database,
    PGCONNECT_TIMEOUT: '10',
    PGAPPNAME: 'plantops-ops',
  };
  if (i.password) env.PGPASSWORD = i.password;
  return env;
}

/** A name safe to use as an identifier we generate (scratch databases, probe tables). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
