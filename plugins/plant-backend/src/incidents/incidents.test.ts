import express from 'express';
import request from 'supertest';
import { TestDatabases, mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { IncidentStore } from './IncidentStore';
import { createIncidentsRouter } from './router';

jest.setTimeout(60_000);

describe('incidents on the real PostgreSQL', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  async function appWith(user = 'user:default/maria-keller') {
    const knex = await databases.init('POSTGRES_15');
    let t = Date.parse('2026-12-02T03:00:00Z');
    const store = await IncidentStore.create({ getClient: async () => knex, migrations: { skip: false } }, () => new Date((t += 60_000)));
    const logger = mockServices.logger.mock();
    const app = express()
      .use(createIncidentsRouter({ store, httpAuth: mockServices.httpAuth({ defaultCredentials: mockCredentials.user(user) }) }))
      .use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger }).error());
    return { app, knex };
  }

  it('records a whole incident from an alert to its resolution, and exports the timeline as Markdown', async () => {
    const { app, knex } = await appWith();
    const started = await request(app).post('/incidents').send({
      title: 'ServiceDown: Service down',
      severity: 'P1',
      entities: ['component:default/scada-service'],
      runbookId: 'service-down',
      alert: 'ServiceDown',
    });
    expect(started.status).toBe(201);
    const id = started.body.id;
    expect(started.body).toMatchObject({ status: 'open', commander: 'user:default/maria-keller', openedBy: 'user:default/maria-keller' });

    const post = (path: string, body: object) => request(app).post(`/incidents/${id}${path}`).send(body);
    expect((await post('/events', { type: 'acknowledgement', text: 'Acknowledged' })).status).toBe(201);
    await post('/events', { type: 'step', text: 'Ran step "Read the pod events"', runbookId: 'service-down', step: 2 });
    await post('/events', {
      type: 'template-task', text: 'Rolled back', runbookId: 'service-down', step: 3, template: 'rollback',
      taskUrl: 'http://localhost:3000/create/tasks/5d3c', outcome: 'completed',
    });
    await post('/events', { type: 'note', text: 'Release 1.4.2 | bad config' });
    const closed = await post('/close', { resolution: 'Rolled back to 1.4.1; fix config before re-release' });
    expect(closed.status).toBe(200);
    expect(closed.body.timeline.map((e: any) => e.type)).toEqual(['opened', 'acknowledgement', 'step', 'template-task', 'note', 'closed']);

    // Stored in PostgreSQL, not in memory.
    const rows = await knex('plant_incident_event').where({ incident_id: Number(id) }).orderBy('id');
    expect(rows.map(r => r.type)).toEqual(['opened', 'acknowledgement', 'step', 'template-task', 'note', 'closed']);
    expect(rows[3]).toMatchObject({ template: 'rollback', task_url: 'http://localhost:3000/create/tasks/5d3c', outcome: 'completed', step: 3 });

    const md = await request(app).get(`/incidents/${id}/export.md`);
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.text).toBe(
      [
        `# Incident ${id}: ServiceDown: Service down`,
        '',
        '- Severity: P1',
        '- Status: closed',
        '- Commander: user:default/maria-keller',
        '- Affected: component:default/scada-service',
        '- Alert: ServiceDown',
        '- Runbook: service-down',
        '- Opened: 2026-12-02 03:01:00 UTC by user:default/maria-keller',
        '- Closed: 2026-12-02 03:06:00 UTC',
        '',
        '## Resolution',
        '',
        'Rolled back to 1.4.1; fix config before re-release',
        '',
        '## Timeline',
        '',
        '| time | who | what | details |',
        '| --- | --- | --- | --- |',
        '| 2026-12-02 03:01:00 UTC | user:default/maria-keller | opened | P1 incident opened, from alert ServiceDown, with runbook service-down, commander user:default/maria-keller |',
        '| 2026-12-02 03:02:00 UTC | user:default/maria-keller | acknowledgement | Acknowledged |',
        '| 2026-12-02 03:03:00 UTC | user:default/maria-keller | step | Ran step "Read the pod events" (runbook service-down, step 2) |',
        '| 2026-12-02 03:04:00 UTC | user:default/maria-keller | template-task | Rolled back (runbook service-down, step 3) template rollback outcome: completed [task](http://localhost:3000/create/tasks/5d3c) |',
        '| 2026-12-02 03:05:00 UTC | user:default/maria-keller | note | Release 1.4.2 \\| bad config |',
        '| 2026-12-02 03:06:00 UTC | user:default/maria-keller | closed | Closed: Rolled back to 1.4.1; fix config before re-release |',
        '',
        '## Post-mortem',
        '',
        '- Root cause:',
        '- Lessons learned:',
        '- Preventive measures:',
        '',
      ].join('\n'),
    );

    // A closed incident takes nothing more; the open list no longer has it.
    const late = await post('/events', { type: 'note', text: 'late' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe(`incident ${id} is closed; open a new incident to record more`);
    expect((await request(app).get('/incidents?status=open')).body.items).toEqual([]);
    expect((await request(app).get('/incidents?status=closed')).body.items.map((i: any) => i.id)).toEqual([id]);
  });

  it('names the field and the fix for bad input', async () => {
    const { app } = await appWith();
    const bad = await request(app).post('/incidents').send({ title: ' ', severity: 'SEV1', commander: 'maria', entities: ['nope'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'title: must not be empty; severity: must be one of P1, P2, P3, P4; commander: must be a user entity ref such as user:default/maria-keller; entities[]: must be an entity ref such as component:default/scada-service',
    );
    const started = await request(app).post('/incidents').send({ title: 'x', severity: 'P3' });
    const badEvent = await request(app).post(`/incidents/${started.body.id}/events`).send({ type: 'shrug', text: '' });
    expect(badEvent.body.error.message).toBe('type: must be one of step, template-task, acknowledgement, note; text: must not be empty');
    expect((await request(app).post(`/incidents/${started.body.id}/close`).send({})).body.error.message).toBe('resolution: required, say how it was resolved');
    expect((await request(app).get('/incidents/999999')).status).toBe(404);
  });
});
