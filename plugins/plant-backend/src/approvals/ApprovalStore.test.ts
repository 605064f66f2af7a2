import { TestDatabases, type TestDatabaseId } from '@backstage/backend-test-utils';
import { ApprovalStore } from './ApprovalStore';
import type { NewApproval } from './types';

jest.setTimeout(60_000);

const request = (over: Partial<NewApproval> = {}): NewApproval => ({
  taskId: 'task-1',
  key: 'approval',
  title: 'Sync ms5-gateway in production',
  target: 'component:default/ms5-gateway',
  environment: 'production',
  requester: 'user:default/tomas-novak',
  plan: { steps: ['sync'], credentials: { password: 'hunter2-secret' } },
  dryRunOutput: { wouldSync: 'ms5-gateway', apiToken: 'tok-123' },
  timeoutMinutes: 30,
  ...over,
});

describe('ApprovalStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function storeOn(databaseId: TestDatabaseId, now: { t: number }) {
    const knex = await databases.init(databaseId);
    return ApprovalStore.create(
      { getClient: async () => knex, migrations: { skip: false } },
      () => new Date(now.t),
    );
  }

  it.each(databases.eachSupportedId())('opens one request per task and key, secrets masked (%p)', async id => {
    const now = { t: Date.parse('2026-12-02T04:00:00Z') };
    const store = await storeOn(id, now);
    const first = await store.open(request());
    expect(first.created).toBe(true);
    expect(first.approval).toMatchObject({
      status: 'pending',
      requester: 'user:default/tomas-novak',
      expiresAt: '2026-12-02T04:30:00.000Z',
    });
    const again = await store.open(request({ title: 'a retried task' }));
    expect(again).toEqual({ approval: first.approval, created: false });
    const stored = JSON.stringify(await store.get(first.approval.id));
    expect(stored).not.toContain('hunter2-secret');
    expect(stored).not.toContain('tok-123');
    expect((await store.get(first.approval.id)).dryRunOutput).toEqual({ wouldSync: 'ms5-gateway', apiToken: '***' });
    expect((await store.open(request({ key: 'second-step' }))).created).toBe(true);
  });

  it.each(databases.eachSupportedId())('never lets the requester decide, and decides once (%p)', async id => {
    const now = { t: Date.parse('2026-12-02T04:00:00Z') };
    const store = await storeOn(id, now);
    const { approval } = await store.open(request());
    await expect(store.decide(approval.id, { approve: true, by: 'user:default/Tomas-Novak' })).rejects.toThrow(
      /requested this change and cannot decide it/,
    );
    expect((await store.get(approval.id)).status).toBe('pending');
    const approved = await store.decide(approval.id, { approve: true, by: 'user:default/maria-keller', comment: 'plan looks right' });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'user:default/maria-keller', comment: 'plan looks right' });
    await expect(store.decide(approval.id, { approve: false, by: 'user:default/daniel-ruiz' })).rejects.toThrow(
      /is approved \(by user:default\/maria-keller\); only a pending request can be decided/,
    );
  });

  it.each(databases.eachSupportedId())('expires a request nobody decided in time (%p)', async id => {
    const now = { t: Date.parse('2026-12-02T04:00:00Z') };
    const store = await storeOn(id, now);
    const { approval } = await store.open(request({ timeoutMinutes: 1 }));
    now.t += 61_000;
    expect((await store.list({ status: 'pending' })).map(a => a.id)).not.toContain(approval.id);
    expect((await store.get(approval.id)).status).toBe('expired');
    await expect(store.decide(approval.id, { approve: true, by: 'user:default/maria-keller' })).rejects.toThrow(/is expired/);
  });

  it.each(databases.eachSupportedId())('a cancelled request stays cancelled (%p)', async id => {
    const now = { t: Date.parse('2026-12-02T04:00:00Z') };
    const store = await storeOn(id, now);
    const { approval } = await store.open(request());
    const closed = await store.close(approval.id, 'cancelled', 'task cancelled by user:default/tomas-novak');
    expect(closed).toMatchObject({ status: 'cancelled', comment: 'task cancelled by user:default/tomas-novak' });
    await expect(store.decide(approval.id, { approve: true, by: 'user:default/maria-keller' })).rejects.toThrow(/is cancelled/);
  });
});
