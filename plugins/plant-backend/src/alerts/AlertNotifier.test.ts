import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { createTestDatabase } from '../testing/testPg';
import { HealthStore } from '../health/HealthStore';
import { migrateHealth } from '../health/schema';
import { AlertNotifier } from './AlertNotifier';
import { AlertService } from './AlertService';

const line: Entity = {
  apiVersion: 'plantops.io/v1alpha1',
  kind: 'ProductionLine',
  metadata: { name: 'line-1', namespace: 'default', annotations: { 'plantops.io/runbook': '/docs/andon' } },
  spec: {},
};

describe('Andon calls as alerts, and the owners told once', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: true });
    await migrateHealth(db.pool);
  });
  afterAll(() => db.drop());

  it('lists an open Andon call on its line, notifies the line owners once, and signals the change', async () => {
    await db.pool.query(
      `INSERT INTO plant_machine (site, line, machine, andon_active, andon_colour, andon_reason, last_event_at)
       VALUES ('site-1', 'line-1', 'filler', true, 'red', 'jam', '2026-01-01T08:00:00Z'),
              ('site-1', 'line-1', 'capper', false, NULL, NULL, '2026-01-01T08:00:00Z')`,
    );
    await db.pool.query(
      `INSERT INTO plant_andon_event (site, line, machine, at, action, reason, colour)
       VALUES ('site-1', 'line-1', 'filler', '2026-01-01T07:55:00Z', 'raised', 'jam', 'red')`,
    );
    const service = new AlertService({ pool: db.pool, loadEntities: async () => [line] });
    const list = await service.list();
    expect(list.sources).toEqual([
      expect.objectContaining({ source: 'alertmanager', status: 'unknown', message: expect.stringContaining('plant.alerts.alertmanager.baseUrl') }),
      { source: 'andon', status: 'ok', message: 'read' },
    ]);
    expect(list.alerts).toEqual([
      expect.objectContaining({
        id: 'andon:site-1/line-1/filler',
        source: 'andon',
        severity: 'critical',
        startsAt: '2026-01-01T07:55:00.000Z',
        summary: 'Andon red on filler (line-1, site-1): jam',
        entityRefs: ['productionline:default/line-1'],
        runbookUrl: '/docs/andon',
      }),
    ]);
    await expect(service.silence({ alertId: list.alerts[0].id, minutes: 5, comment: 'x', createdBy: 'u' })).rejects.toThrow(
      /no Alertmanager configured/,
    );

    const notifications = { send: jest.fn(async () => undefined) };
    const signals = { publish: jest.fn(async () => undefined) };
    const notifier = new AlertNotifier({ store: new HealthStore(db.pool), logger: mockServices.logger.mock(), notifications, signals });
    await notifier.alertsPolled(list.alerts, new Date('2026-01-01T08:01:00Z'));
    await notifier.alertsPolled(list.alerts, new Date('2026-01-01T08:02:00Z'));
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(notifications.send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: ['productionline:default/line-1'] },
      payload: expect.objectContaining({ title: '[critical] Andon firing', severity: 'critical', topic: 'plant-alerts' }),
    });
    expect(signals.publish).toHaveBeenCalledTimes(1);

    await notifier.healthChanged([
      { entityRef: 'component:default/a', status: 'down', previous: 'ok', reasons: [{ status: 'down', message: 'GET x answered HTTP 503' }] },
      { entityRef: 'component:default/b', status: 'degraded', previous: 'ok', reasons: [] },
    ]);
    expect(notifications.send).toHaveBeenCalledTimes(2);
    expect(notifications.send).toHaveBeenLastCalledWith({
      recipients: { type: 'entity', entityRef: ['component:default/a'] },
      payload: expect.objectContaining({ title: 'component:default/a is down', description: 'GET x answered HTTP 503' }),
    });
    expect(signals.publish).toHaveBeenLastCalledWith({
      recipients: { type: 'broadcast' },
      channel: 'plant:health',
      message: { entityRefs: ['component:default/a', 'component:default/b'] },
    });
  });
});
