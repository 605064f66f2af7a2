import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { createPostgresFailoverAction } from './failover';
import { createPostgresFailbackAction } from './failback';
import { PG_BIN, TestClusters, type TestCluster } from './testing/cluster';
import { capture, makeDeps, resource, run } from '../../lib/__testUtils__/actionHarness';
import { Writers } from './testing/writers';

// A real primary and streaming standby started by the test on free loopback ports; writers keep writing
// through the failover. The writers' Service lives in the Kubernetes double.
jest.setTimeout(240_000);

let clusters: TestClusters;
let primary: TestCluster;
let standby: TestCluster;
let k8s: KubernetesDouble;

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'ms5-postgres-rw', namespace: 'ms5' },
  spec: { selector: { app: 'ms5-postgres', instance: 'primary' }, ports: [{ port: 5432 }] },
};

function setup() {
  const cap = capture();
  const inst = (name: string, c: TestCluster) => ({
    name,
    host: '127.0.0.1',
    port: c.port,
    user: 'postgres',
    password: c.superPassword,
    database: 'postgres',
    local: { dataDirectory: c.dataDir, binDir: PG_BIN, osUser: 'postgres', logFile: c.logFile },
  });
  const deps = makeDeps(
    { plant: { postgres: { instances: [inst('ms5-postgres-primary', primary), inst('ms5-postgres-secondary', standby)] } } },
    [resource('ms5-postgres-primary', 'database'), resource('ms5-postgres-secondary', 'database'), resource('ms5-prod-aks', 'kubernetes-cluster')],
    cap,
  );
  const kube = { kubeConfig: async () => ({ kubeConfig: k8s.kubeConfig(), cluster: 'ms5-prod-aks' }) };
  return { cap, action: createPostgresFailoverAction({ ...deps, kube }), failback: createPostgresFailbackAction({ ...deps, kube }) };
}

const input = {
  primary: 'ms5-postgres-primary',
  standby: 'ms5-postgres-secondary',
  writers: { cluster: 'ms5-prod-aks', namespace: 'ms5', service: 'ms5-postgres-rw', selector: { app: 'ms5-postgres', instance: 'secondary' } },
};

async function waitStreaming(c: TestCluster) {
  for (let i = 0; i < 200; i++) {
    const [r] = await c.query(`SELECT status FROM pg_stat_wal_receiver`);
    if (r?.status === 'streaming') return;
    await new Promise(res => setTimeout(res, 100));
  }
  throw new Error(`${c.name} is not streaming`);
}

beforeAll(async () => {
  clusters = await TestClusters.create();
  primary = await clusters.primary('primary');
  await primary.query('CREATE TABLE ticks (id bigint PRIMARY KEY, at timestamptz NOT NULL)');
  standby = await clusters.standby(primary, 'standby');
  await waitStreaming(standby);
  k8s = await startKubernetesDouble();
  k8s.seed(service);
});

afterAll(async () => {
  await k8s?.stop();
  await clusters?.cleanup();
});

describe('plant:postgres:failover (real primary and streaming standby)', () => {
  it('dry run runs the pre-checks and changes nothing', async () => {
    const { cap, action } = setup();
    const out = await run(action, input, { cap, dryRun: true });
    const plan = out.plan as string[];
    expect(plan[0]).toMatch(/^pre-checks passed: ms5-postgres-secondary in recovery, replay running, lag .* within 900 s/);
    expect(plan[4]).toContain('"instance":"primary"');
    expect((await standby.query('SELECT pg_is_in_recovery() AS r'))[0].r).toBe(true);
    expect((await primary.query(`SHOW default_transaction_read_only`))[0].default_transaction_read_only).toBe('off');
    expect(k8s.get('v1', 'Service', 'ms5', 'ms5-postgres-rw').spec.selector.instance).toBe('primary');
  });

  it('refuses while replay is paused, and for bad inputs, naming the field', async () => {
    const { cap, action } = setup();
    await standby.query('SELECT pg_wal_replay_pause()');
    try {
      await expect(run(action, input, { cap })).rejects.toThrow('standby: WAL replay is paused on ms5-postgres-secondary. Resume it with SELECT pg_wal_replay_resume() and run again');
    } finally {
      await standby.query('SELECT pg_wal_replay_resume()');
    }
    await expect(run(action, { ...input, standby: 'ms5-postgres-primary' }, { cap })).rejects.toThrow('standby: is the same as primary');
    await expect(run(action, { ...input, primary: 'ms5-postgres-secondary', standby: 'ms5-postgres-primary' }, { cap })).rejects.toThrow(
      /^standby: ms5-postgres-primary is not in recovery/,
    );
    await expect(run(action, { ...input, primary: 'ms5-prod-aks' }, { cap })).rejects.toThrow(/^primary: .* is of type "kubernetes-cluster"/);
  });

  it('refuses when the standby is further behind than the RPO bound', async () => {
    const { cap, action } = setup();
    // A replayed transaction first (so the standby knows when it last replayed one), then cut the standby
    // off as a broken link would, and let the primary move on.
    await primary.query('INSERT INTO ticks VALUES (-101, now())');
    for (let i = 0; i < 100 && (await standby.query('SELECT count(*)::int AS n FROM ticks WHERE id = -101'))[0].n === 0; i++) await new Promise(r => setTimeout(r, 100));
    const [{ primary_conninfo: conninfo }] = await standby.query('SHOW primary_conninfo');
    await standby.query(`ALTER SYSTEM SET primary_conninfo = ''`);
    await standby.query('SELECT pg_reload_conf()');
    try {
      for (let i = 0; i < 100 && (await standby.query('SELECT count(*)::int AS n FROM pg_stat_wal_receiver'))[0].n > 0; i++) await new Promise(r => setTimeout(r, 100));
      await primary.query('INSERT INTO ticks VALUES (-100, now())');
      await new Promise(r => setTimeout(r, 2500));
      await expect(run(action, { ...input, maxLagSeconds: 1 }, { cap })).rejects.toThrow(
        /^maxLagSeconds: ms5-postgres-secondary is \d+ s behind, more than the RPO bound of 1 s. Wait for it to catch up/,
      );
      expect((await standby.query('SELECT pg_is_in_recovery() AS r'))[0].r).toBe(true);
    } finally {
      await standby.query(`ALTER SYSTEM SET primary_conninfo = '${conninfo.replace(/'/g, "''")}'`);
      await standby.query('SELECT pg_reload_conf()');
      await primary.query('DELETE FROM ticks WHERE id IN (-100, -101)');
      await waitStreaming(standby);
    }
  });

  it('fails over under writes: promoted, new timeline, writers repointed, nothing lost, RTO measured', async () => {
    const writers = new Writers([primary, standby]).start();
    await new Promise(r => setTimeout(r, 1500));
    const { cap, action } = setup();
    const out = await run(action, input, { cap });
    await new Promise(r => setTimeout(r, 1500));
    await writers.stop();

    expect(out.newPrimary).toBe('ms5-postgres-secondary');
    expect(out.timelineAfter as number).toBeGreaterThan(out.timelineBefore as number);
    expect((await standby.query('SELECT pg_is_in_recovery() AS r'))[0].r).toBe(false);
    // A planned switchover waits for the standby to replay up to the fence: nothing lost.
    expect(out.lostWalBytes).toBe(0);
    expect(out.rtoSeconds as number).toBeGreaterThan(0);
    expect(out.rtoSeconds as number).toBeLessThan(30);
    expect(k8s.get('v1', 'Service', 'ms5', 'ms5-postgres-rw').spec.selector).toEqual({ app: 'ms5-postgres', instance: 'secondary' });

    // Every write a server acknowledged is on the new primary; writes went on after the switch.
    const onPrimary = writers.acked.filter(a => a.server === 'primary');
    const onStandby = writers.acked.filter(a => a.server === 'standby');
    expect(onPrimary.length).toBeGreaterThan(10);
    expect(onStandby.length).toBeGreaterThan(10);
    const ids = new Set((await standby.query('SELECT id FROM ticks')).map(r => Number(r.id)));
    expect(writers.acked.filter(a => !ids.has(a.id))).toEqual([]);
    // The old primary is fenced: it refuses writes.
    await expect(primary.query('INSERT INTO ticks VALUES (-1, now())')).rejects.toThrow(/read-only transaction/);
    // The gap the writers saw is within the measured RTO (plus their retry pause).
    const gap = onStandby[0].at - onPrimary[onPrimary.length - 1].at;
    expect(gap / 1000).toBeLessThan((out.rtoSeconds as number) + 2);

    expect(cap.text()).not.toContain(primary.superPassword);
    expect(cap.lines.join('\n')).toMatch(/Failover done: RTO [\d.]+ s, WAL lost 0 bytes/);
    console.log(`failover: RTO ${out.rtoSeconds} s, lost ${out.lostWalBytes} bytes, writer gap ${gap} ms, ${writers.acked.length} writes, ${writers.failures} failed attempts`);
  });

  it('fails back: rebuilds the old primary with pg_rewind as a standby, then switches back under writes', async () => {
    const { cap, failback } = setup();
    const back = {
      oldPrimary: 'ms5-postgres-primary',
      newPrimary: 'ms5-postgres-secondary',
      switchBack: true,
      writers: { ...input.writers, selector: { app: 'ms5-postgres', instance: 'primary' } },
    };
    const dry = await run(failback, back, { cap, dryRun: true });
    expect((dry.plan as string[])[1]).toMatch(/^pg_rewind .* from ms5-postgres-secondary with -R/);
    await expect(primary.query('INSERT INTO ticks VALUES (-1, now())')).rejects.toThrow(/read-only transaction/);

    const writers = new Writers([standby, primary], 1_000_000).start();
    await new Promise(r => setTimeout(r, 1000));
    const out = await run(failback, back, { cap });
    await new Promise(r => setTimeout(r, 1000));
    await writers.stop();

    expect(out).toMatchObject({ rebuiltWith: 'pg_rewind', standbyOf: 'ms5-postgres-secondary', switchedBack: true, newPrimary: 'ms5-postgres-primary', lostWalBytes: 0 });
    expect(out.timelineAfter as number).toBeGreaterThan(out.timelineBefore as number);
    expect((await primary.query('SELECT pg_is_in_recovery() AS r'))[0].r).toBe(false);
    expect((await primary.query(`SHOW default_transaction_read_only`))[0].default_transaction_read_only).toBe('off');
    expect(k8s.get('v1', 'Service', 'ms5', 'ms5-postgres-rw').spec.selector.instance).toBe('primary');
    const ids = new Set((await primary.query('SELECT id FROM ticks')).map(r => Number(r.id)));
    expect(writers.acked.filter(a => !ids.has(a.id))).toEqual([]);
    expect(writers.acked.filter(a => a.server === 'standby').length).toBeGreaterThan(10);
    expect(writers.acked.filter(a => a.server === 'primary').length).toBeGreaterThan(10);
    expect(cap.text()).not.toContain(primary.superPassword);
    console.log(`switch back: RTO ${out.rtoSeconds} s, lost ${out.lostWalBytes} bytes`);
  });

  it('failback names the field and the fix for bad inputs', async () => {
    const { cap, failback } = setup();
    await expect(run(failback, { oldPrimary: 'ms5-postgres-primary', newPrimary: 'ms5-postgres-primary' }, { cap })).rejects.toThrow('newPrimary: is the same as oldPrimary');
    await expect(
      run(failback, { oldPrimary: 'ms5-postgres-secondary', newPrimary: 'ms5-postgres-primary', writers: input.writers }, { cap }),
    ).rejects.toThrow('writers: only applies to a switch back. Set switchBack: true or leave writers out');
  });
});

describe('plant:postgres:failover when the primary is gone', () => {
  let lost: TestClusters;
  let a: TestCluster;
  let b: TestCluster;
  beforeAll(async () => {
    lost = await TestClusters.create();
    a = await lost.primary('gone');
    await a.query('CREATE TABLE ticks (id bigint PRIMARY KEY, at timestamptz NOT NULL)');
    b = await lost.standby(a, 'survivor');
    await waitStreaming(b);
  });
  afterAll(async () => {
    await lost?.cleanup();
  });

  it('refuses without allowUnreachablePrimary, then promotes with it and reports the loss as unknown', async () => {
    await a.query('INSERT INTO ticks SELECT g, now() FROM generate_series(1, 100) g');
    // Replication is asynchronous: let the standby have the rows before the primary dies.
    for (let i = 0; i < 100 && (await b.query('SELECT count(*)::int AS n FROM ticks'))[0].n < 100; i++) await new Promise(r => setTimeout(r, 100));
    await a.stop('immediate');
    const cap = capture();
    const inst = (name: string, c: TestCluster) => ({ name, host: '127.0.0.1', port: c.port, user: 'postgres', password: c.superPassword, database: 'postgres' });
    const deps = makeDeps(
      { plant: { postgres: { instances: [inst('iip-postgresql-primary', a), inst('iip-postgresql-read', b)] } } },
      [resource('iip-postgresql-primary', 'database'), resource('iip-postgresql-read', 'database')],
      cap,
    );
    const action = createPostgresFailoverAction(deps);
    const base = { primary: 'iip-postgresql-primary', standby: 'iip-postgresql-read' };
    await expect(run(action, base, { cap })).rejects.toThrow(
      'allowUnreachablePrimary: the primary iip-postgresql-primary cannot be reached, so it cannot be fenced. Make sure it is down for good, then set allowUnreachablePrimary: true',
    );
    expect((await b.query('SELECT pg_is_in_recovery() AS r'))[0].r).toBe(true);
    const out = await run(action, { ...base, allowUnreachablePrimary: true }, { cap });
    expect(out).toMatchObject({ newPrimary: 'iip-postgresql-read', lostWalBytes: null, fencedLsn: null });
    expect((await b.query('SELECT count(*)::int AS n FROM ticks'))[0].n).toBe(100);
    expect((await b.query('SELECT pg_is_in_recovery() AS r'))[0].r).toBe(false);
    expect(cap.lines.join('\n')).toMatch(/WAL lost unknown bytes/);
  });
});

