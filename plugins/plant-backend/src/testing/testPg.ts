import { Pool } from 'pg';
import { randomBytes } from 'node:crypto';
import { migrate } from '../database/schema';

/**
 * A fresh database on the test PostgreSQL server (PLANTOPS_TEST_PG_URL, set by
 * scripts/services.sh), dropped again by `drop()`. Fails, never skips, when the
 * server is not configured. `migrated` creates the telemetry schema.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}) {
  const url = process.env.PLANTOPS_TEST_PG_URL;
  if (!url) {
    throw new Error(
      'PLANTOPS_TEST_PG_URL is not set: run the tests with ./portal test, which starts the test services',
    );
  }
  const name = `plant_test_${randomBytes(6).toString('hex')}`;
  const admin = new Pool({ connectionString: url, max: 1 });
  // An idle connection closed by the server must not crash the suite; a query
  // on a closed connection still fails its test.
  const ignoreIdleError = () => {};
  admin.on('error', ignoreIdleError);
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const pool = new Pool({ connectionString: dbUrl.toString(), max: 4 });
  pool.on('error', ignoreIdleError);
  if (options.migrated) {
    const client = await pool.connect();
    await migrate(client).finally(() => client.release());
  }
  return {
    pool,
    name,
    async drop() {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
