import { Client } from 'pg';

/** The machine's PostgreSQL the postgres action tests run against (trust auth on loopback). */
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };

/** One statement on its own connection to `database`; the rows. */
export async function sql(database: string, text: string, params: unknown[] = []) {
  const c = new Client({ ...PG, database });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}
