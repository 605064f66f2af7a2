import express from 'express';
import request from 'supertest';
import { TestDatabases, mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { IncidentStore } from './IncidentStore';
import { createIncidentsRouter } from './router';
import { MIGRATIONS_TABLE, pluginDatabase } from '../database/pluginDatabase';

/** Allows the permissions named for each user; everything else is denied. */
const grants = (byUser: Record<string, string[]>): PermissionsService =>
  ({
    async authorize(requests: any[], { credentials }: any) {
      const ref = credentials.principal.userEntityRef;
      return requests.map(r => ({ result: (byUser[ref] ?? []).includes(r.permission.name) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY }));
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  }) as any;
const ALL = ['plant.incident.read', 'plant.incident.create', 'plant.incident.update'];

jest.setTimeout(60_000);

describe('incidents on the real PostgreSQL', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  async function appWith(user = 'user:default/maria-keller', permissions = grants({ [user]: ALL })) {
    const knex = await databases.init('POSTGRES_15');
    let t = Date.parse('2026-12-02T03:00:00Z');
    const store = await IncidentStore.create({ getClient: async () => knex, migrations: { skip: false } }, () => new Date((t += 60_000)));
    const logger = mockServices.logger.mock();
    const app = express()
      .use(createIncidentsRouter({ store, httpAuth: mockServices.httpAuth({ defaultCredentials: mockCredentials.user(user) }), permissions }))
      .use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger }).error());
    return { app, knex, store };
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

  it('lets a viewer read incidents but not start, record on or close one', async () => {
    const VIEWER = 'user:default/emily-chen';
    const { app, store } = await appWith(VIEWER, grants({ [VIEWER]: ['plant.incident.read'] }));
    const opened = await store.open({ title: 'HighErrorRate', severity: 'P2', commander: 'user:default/tomas-novak', entities: [] }, 'user:default/tomas-novak');

    expect((await request(app).get(`/incidents/${opened.id}`)).body.title).toBe('HighErrorRate');
    expect((await request(app).get('/incidents')).body.items.map((i: any) => i.id)).toEqual([opened.id]);
    expect((await request(app).get(`/incidents/${opened.id}/export.md`)).status).toBe(200);

    const start = await request(app).post('/incidents').send({ title: 'x', severity: 'P3' });
    expect(start.status).toBe(403);
    expect(start.body.error.message).toBe('you may not start incidents (permission plant.incident.create)');
    const note = await request(app).post(`/incidents/${opened.id}/events`).send({ type: 'note', text: 'hi' });
    expect(note.status).toBe(403);
    expect(note.body.error.message).toBe('you may not record on or close incidents (permission plant.incident.update)');
    expect((await request(app).post(`/incidents/${opened.id}/close`).send({ resolution: 'r' })).status).toBe(403);
    expect((await store.get(opened.id)).timeline.map(e => e.type)).toEqual(['opened']);

    // Without even read, nothing.
    const { app: none } = await appWith(VIEWER, grants({}));
    expect((await request(none).get('/incidents')).status).toBe(403);
  });

  it('closes incidents idle past autoCloseDays and deletes closed ones past retentionDays', async () => {
    const knex = await databases.init('POSTGRES_15');
    let now = Date.parse('2026-01-01T00:00:00Z');
    const store = await IncidentStore.create({ getClient: async () => knex, migrations: { skip: false } }, () => new Date(now));
    const idle = await store.open({ title: 'idle', severity: 'P4', commander: 'user:default/a', entities: [] }, 'user:default/a');
    const old = await store.open({ title: 'old', severity: 'P3', commander: 'user:default/a', entities: [] }, 'user:default/a');
    await store.close(old.id, 'fixed', 'user:default/a');
    now += 10 * 86_400_000;
    const busy = await store.open({ title: 'busy', severity: 'P1', commander: 'user:default/a', entities: [] }, 'user:default/a');

    now += 5 * 86_400_000; // idle: 15 days without an entry, busy: 5
    expect(await store.sweep({ autoCloseDays: 14, retentionDays: 30 })).toEqual({ closed: [idle.id], deleted: 0 });
    const closed = await store.get(idle.id);
    expect(closed).toMatchObject({ status: 'closed', resolution: 'Closed automatically after 14 days without a timeline entry' });
    expect(closed.timeline.at(-1)).toMatchObject({ type: 'closed', actor: 'system' });
    expect((await store.get(busy.id)).status).toBe('open');

    now += 16 * 86_400_000; // old closed 31 days ago; idle closed 16 days ago
    expect(await store.sweep({ autoCloseDays: 30, retentionDays: 30 })).toEqual({ closed: [], deleted: 1 });
    await expect(store.get(old.id)).rejects.toThrow(`no incident ${old.id}`);
    expect(await knex('plant_incident_event').where({ incident_id: Number(old.id) })).toEqual([]);
    expect((await store.get(idle.id)).status).toBe('closed');
  });

  it('runs approvals and incidents migrations from one bookkeeping table, adopting a database the old per-feature runners migrated', async () => {
    const knex = await databases.init('POSTGRES_15');
    // What the old approvals runner left: its table and its own bookkeeping.
    await knex.schema.createTable('plant_approval', t => {
      t.string('id', 36).primary();
      t.string('title');
    });
    await knex.schema.createTable('plant_approval_knex_migrations', t => {
      t.increments('id');
      t.string('name');
    });
    await knex('plant_approval').insert({ id: 'a1', title: 'kept' });
    const database = { getClient: async () => knex, migrations: { skip: false } };
    await Promise.all([pluginDatabase(database), pluginDatabase(database)]);
    expect(await knex.schema.hasTable('plant_approval_knex_migrations')).toBe(false);
    expect(await knex.schema.hasTable('plant_incident_knex_migrations')).toBe(false);
    for (const table of ['plant_incident', 'plant_incident_event', 'plant_incident_task']) expect(await knex.schema.hasTable(table)).toBe(true);
    expect((await knex(MIGRATIONS_TABLE).orderBy('id')).map(r => r.name)).toEqual([
      '20261202_001_plant_approval',
      '20261202_002_plant_incident',
      '20261202_003_one_bookkeeping_table',
      '20261202_004_plant_incident_task',
    ]);
    expect(await knex('plant_approval')).toEqual([{ id: 'a1', title: 'kept' }]);
  });
});
