import request from 'supertest';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { approvalsOnlyPlugin, deciders, RecordedAudit, recordingAuditor } from './testing';

jest.setTimeout(60_000);

const ONCALL = 'user:default/maria-keller';
const REQUESTER = 'user:default/tomas-novak';
const BYSTANDER = 'user:default/raj-patel';

describe('/api/plant/approvals', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  async function start() {
    const audits: RecordedAudit[] = [];
    const knex = await databases.init('POSTGRES_15');
    const { server } = await startTestBackend({
      features: [
        approvalsOnlyPlugin,
        mockServices.database.factory({ knex }),
        recordingAuditor(audits),
        deciders([ONCALL, REQUESTER]),
      ],
    });
    return { server, audits };
  }

  const body = {
    taskId: 'task-42',
    title: 'Sync ms5-gateway in production',
    target: 'component:default/ms5-gateway',
    environment: 'production',
    requester: REQUESTER,
    plan: { app: 'ms5-gateway', revision: 'abc123' },
    dryRunOutput: { outOfSync: ['Deployment/ms5-gateway'] },
    timeoutMinutes: 30,
  };

  it('only a backend service opens a request; users read it', async () => {
    const { server, audits } = await start();
    const asUser = await request(server).post('/api/plant/approvals').set('authorization', mockCredentials.user.header(REQUESTER)).send(body);
    expect(asUser.status).toBe(403);

    const created = await request(server).post('/api/plant/approvals').set('authorization', mockCredentials.service.header()).send(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', requester: REQUESTER, plan: body.plan });
    const again = await request(server).post('/api/plant/approvals').set('authorization', mockCredentials.service.header()).send(body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);

    const list = await request(server).get('/api/plant/approvals?status=pending').set('authorization', mockCredentials.user.header(BYSTANDER));
    expect(list.body.items.map((a: any) => a.id)).toEqual([created.body.id]);
    const bad = await request(server).get('/api/plant/approvals?status=waiting').set('authorization', mockCredentials.user.header(BYSTANDER));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('status: must be one of pending, approved, denied, expired, cancelled');

    expect(audits.filter(a => a.eventId === 'approval-request').map(a => [a.outcome, a.outcomeMeta?.created])).toEqual([
      ['success', true],
      ['success', false],
    ]);
  });

  it('refuses a request without the fields it needs, naming them', async () => {
    const { server } = await start();
    const res = await request(server)
      .post('/api/plant/approvals')
      .set('authorization', mockCredentials.service.header())
      .send({ ...body, requester: 'group:default/oncall-team', timeoutMinutes: 5000, title: undefined });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('title: required');
    expect(res.body.error.message).toContain('requester: must be a user entity ref');
    expect(res.body.error.message).toContain('timeoutMinutes: at most 1440');
  });

  it('a second person decides; the requester and people without the permission cannot', async () => {
    const { server, audits } = await start();
    const { body: approval } = await request(server).post('/api/plant/approvals').set('authorization', mockCredentials.service.header()).send(body);

    const self = await request(server)
      .post(`/api/plant/approvals/${approval.id}/approve`)
      .set('authorization', mockCredentials.user.header(REQUESTER))
      .send({});
    expect(self.status).toBe(403);
    expect(self.body.error.message).toContain('cannot decide it');

    const bystander = await request(server)
      .post(`/api/plant/approvals/${approval.id}/approve`)
      .set('authorization', mockCredentials.user.header(BYSTANDER))
      .send({});
    expect(bystander.status).toBe(403);
    expect(bystander.body.error.message).toContain('plant.approval.decide');

    const approved = await request(server)
      .post(`/api/plant/approvals/${approval.id}/approve`)
      .set('authorization', mockCredentials.user.header(ONCALL))
      .send({ comment: 'revision abc123 checked' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: ONCALL, comment: 'revision abc123 checked' });

    const late = await request(server)
      .post(`/api/plant/approvals/${approval.id}/deny`)
      .set('authorization', mockCredentials.user.header(ONCALL))
      .send({});
    expect(late.status).toBe(409);

    const decides = audits.filter(a => a.eventId === 'approval-decide');
    expect(decides.map(a => [a.meta.by, a.outcome])).toEqual([
      [REQUESTER, 'fail'],
      [BYSTANDER, 'fail'],
      [ONCALL, 'success'],
      [ONCALL, 'fail'],
    ]);
    expect(decides[2].outcomeMeta).toMatchObject({ status: 'approved', requester: REQUESTER, environment: 'production' });
  });

  it('a service withdraws a pending request, and it stays withdrawn', async () => {
    const { server, audits } = await start();
    const { body: approval } = await request(server).post('/api/plant/approvals').set('authorization', mockCredentials.service.header()).send(body);
    const closed = await request(server)
      .post(`/api/plant/approvals/${approval.id}/close`)
      .set('authorization', mockCredentials.service.header())
      .send({ status: 'cancelled', reason: 'task cancelled' });
    expect(closed.body).toMatchObject({ status: 'cancelled', comment: 'task cancelled' });
    const approve = await request(server)
      .post(`/api/plant/approvals/${approval.id}/approve`)
      .set('authorization', mockCredentials.user.header(ONCALL))
      .send({});
    expect(approve.status).toBe(409);
    expect(audits.find(a => a.eventId === 'approval-close')).toMatchObject({ outcome: 'success', meta: { status: 'cancelled' } });
  });
});
