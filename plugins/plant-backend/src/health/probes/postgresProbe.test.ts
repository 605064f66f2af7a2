import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { Client } from 'pg';
import { runProbe } from './runProbe';
import { postgresInstancesFrom, PostgresProbe } from './postgresProbe';

const resource = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name },
  spec: { type: 'database', owner: 'team' },
});

function testServer() {
  const url = process.env.PLANTOPS_TEST_PG_URL;
  if (!url) throw new Error('PLANTOPS_TEST_PG_URL is not set: run the tests with ./portal test');
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: u.username, database: u.pathname.slice(1) };
}

describe('PostgresProbe (real PostgreSQL)', () => {
  const secret = 'Pr0be-S3cret-pw';

  it('counts the real connections against max_connections', async () => {
    const s = testServer();
    const probe = new PostgresProbe(
      postgresInstancesFrom(new ConfigReader({ plant: { postgres: { instances: [{ name: 'db1', ...s, password: secret }] } } })),
    );
    expect(probe.appliesTo(resource('db1'))).toBe(true);
    expect(probe.appliesTo(resource('other'))).toBe(false);
    const before = await runProbe(probe, resource('db1'), 10_000);
    const extra = await Promise.all(Array.from({ length: 5 }, async () => {
      const c = new Client({ ...s });
      await c.connect();
      return c;
    }));
    try {
      const after = await runProbe(probe, resource('db1'), 10_000);
      expect(after.status).toBe(before.status === 'ok' ? 'ok' : after.status);
      expect(after.details).toEqual(expect.objectContaining({ standby: false, maxConnections: expect.any(Number) }));
      // Other suites share the server: at least our 5 more.
      expect(Number(after.details!.connections) - Number(before.details!.connections)).toBeGreaterThanOrEqual(5);
      const max = Number(after.details!.maxConnections);
      expect(after.message).toContain(`${after.details!.connections} of ${max} connections`);
    } finally {
      await Promise.all(extra.map(c => c.end()));
    }
  }, 30_000);

  it('is down with the reason, without the password, when the server refuses', async () => {
    const s = testServer();
    const probe = new PostgresProbe([{ name: 'gone', connection: { ...s, database: 'no_such_database_x', password: secret } }]);
    const r = await runProbe(probe, resource('gone'), 10_000);
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/cannot connect to PostgreSQL 127\.0\.0\.1:\d+\/no_such_database_x: 3D000 database "no_such_database_x" does not exist/);
    expect(JSON.stringify(r)).not.toContain(secret);
  });
});
