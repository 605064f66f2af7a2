import request from 'supertest';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ConfigReader } from '@backstage/config';
// The plant backend's approvals API (its telemetry parts are not needed here).
import {
  approvalsOnlyPlugin,
  deciders,
  RecordedAudit,
  recordingAuditor,
} from '@plantops/backstage-plugin-plant-backend/src/approvals/testing';
import { ApprovalsClient } from './ApprovalsClient';
import { createApprovalRequestAction } from './request';

jest.setTimeout(60_000);

const REQUESTER = 'user:default/tomas-novak';
const APPROVER = 'user:default/maria-keller';

describe('plant:approval:request', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let server: any;
  let client: ApprovalsClient;
  const audits: RecordedAudit[] = [];
  const actionAudits: RecordedAudit[] = [];

  beforeAll(async () => {
    const knex = await databases.init('POSTGRES_15');
    ({ server } = await startTestBackend({
      features: [approvalsOnlyPlugin, mockServices.database.factory({ knex }), recordingAuditor(audits), deciders([APPROVER, REQUESTER])],
    }));
    const base = `http://127.0.0.1:${server.address().port}/api/plant`;
    client = new ApprovalsClient({ discovery: { getBaseUrl: async () => base, getExternalBaseUrl: async () => base }, auth: mockServices.auth() });
  });

  const auditor = {
    async createEvent(o: any) {
      const e: RecordedAudit = { eventId: o.eventId, meta: o.meta };
      actionAudits.push(e);
      return {
        success: async (s: any) => void Object.assign(e, { outcome: 'success', outcomeMeta: s?.meta }),
        fail: async (f: any) => void Object.assign(e, { outcome: 'fail', error: String(f.error?.message) }),
      };
    },
  };
  const action = () =>
    createApprovalRequestAction({
      config: new ConfigReader({ app: { baseUrl: 'http://portal' } }),
      auditor,
      client,
      pollIntervalMs: 100,
    } as any);

  /** A context whose checkpoints survive a retry, as the task's saved state does. */
  function context(taskId: string, over: Record<string, unknown> = {}, checkpoints = new Map<string, unknown>()) {
    const ctx = createMockActionContext({
      input: {
        title: 'Sync ms5-gateway in production',
        target: 'component:default/ms5-gateway',
        environment: 'production',
        category: 'deploy',
        plan: { sync: { app: 'iip-platform-prod' } },
        timeoutMinutes: 5,
        key: 'approval',
        ...over,
      } as any,
      task: { id: taskId },
      user: { ref: REQUESTER },
    });
    ctx.checkpoint = (async ({ key, fn }: any) => {
      if (!checkpoints.has(key)) checkpoints.set(key, await fn());
      return checkpoints.get(key);
    }) as any;
    return ctx;
  }

  async function pendingOf(taskId: string) {
    for (let i = 0; i < 100; i++) {
      const list = await request(server).get('/api/plant/approvals?status=pending').set('authorization', mockCredentials.user.header(APPROVER));
      const found = list.body.items.find((a: any) => a.taskId === taskId);
      if (found) return found;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(`no pending approval for ${taskId}`);
  }

  it('waits until a second person approves, then outputs who and where', async () => {
    const ctx = context('task-approve');
    const run = action().handler(ctx as any);
    const pending = await pendingOf('task-approve');
    expect(pending).toMatchObject({ requester: REQUESTER, environment: 'production', plan: { sync: { app: 'iip-platform-prod' } } });
    const self = await request(server).post(`/api/plant/approvals/${pending.id}/approve`).set('authorization', mockCredentials.user.header(REQUESTER)).send({});
    expect(self.status).toBe(403);
    await request(server).post(`/api/plant/approvals/${pending.id}/approve`).set('authorization', mockCredentials.user.header(APPROVER)).send({ comment: 'ok' });
    await run;
    expect(ctx.output).toHaveBeenCalledWith('approvedBy', APPROVER);
    expect(ctx.output).toHaveBeenCalledWith('url', `http://portal/plant/approvals/${pending.id}`);
    expect(actionAudits.at(-1)).toMatchObject({ meta: { actor: REQUESTER, target: 'component:default/ms5-gateway' }, outcome: 'success' });
  });

  it('a retried task waits on the request it opened before, never a second one', async () => {
    const checkpoints = new Map<string, unknown>();
    const first = new AbortController();
    const run1 = action().handler({ ...context('task-retry', {}, checkpoints), signal: first.signal } as any);
    const pending = await pendingOf('task-retry');
    // The worker died: the same step runs again with the task's saved checkpoints.
    const run2 = action().handler(context('task-retry', {}, checkpoints) as any);
    await new Promise(r => setTimeout(r, 300));
    await request(server).post(`/api/plant/approvals/${pending.id}/deny`).set('authorization', mockCredentials.user.header(APPROVER)).send({ comment: 'wrong revision' });
    await expect(run2).rejects.toThrow(`Denied by ${APPROVER}: wrong revision. Nothing after this step ran.`);
    await expect(run1).rejects.toThrow('Denied by');
    const all = await request(server).get('/api/plant/approvals').set('authorization', mockCredentials.user.header(APPROVER));
    expect(all.body.items.filter((a: any) => a.taskId === 'task-retry')).toHaveLength(1);
  });

  it('withdraws the request when the task is cancelled', async () => {
    const abort = new AbortController();
    const run = action().handler({ ...context('task-cancel'), signal: abort.signal } as any);
    const pending = await pendingOf('task-cancel');
    abort.abort();
    await expect(run).rejects.toThrow('withdrawn: the task was cancelled');
    const after = await request(server).get(`/api/plant/approvals/${pending.id}`).set('authorization', mockCredentials.user.header(APPROVER));
    expect(after.body).toMatchObject({ status: 'cancelled' });
    expect(audits.find(a => a.eventId === 'approval-close')).toMatchObject({ outcome: 'success', meta: { status: 'cancelled' } });
  });

  it('opens nothing in a dry-run', async () => {
    const ctx = context('task-dry');
    (ctx as any).isDryRun = true;
    await action().handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('approvalId', 'dry-run');
    const all = await request(server).get('/api/plant/approvals').set('authorization', mockCredentials.user.header(APPROVER));
    expect(all.body.items.filter((a: any) => a.taskId === 'task-dry')).toEqual([]);
  });

  it('refuses a task without a signed-in user, naming the fix', async () => {
    const ctx = context('task-nouser');
    (ctx as any).user = undefined;
    await expect(action().handler(ctx as any)).rejects.toThrow('user: the task has no signed-in user to request the approval. run the template signed in');
  });
});
