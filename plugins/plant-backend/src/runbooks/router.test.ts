import express from 'express';
import path from 'node:path';
import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { RunbookService } from './RunbookService';
import { createRunbooksRouter } from './router';
import { REPO_ROOT, repoCatalogEntities } from './testing/repoCatalog';

describe('runbooks router', () => {
  const entities: Entity[] = repoCatalogEntities();
  const logger = mockServices.logger.mock();
  const runbooks = new RunbookService({
    locations: [{ type: 'dir', target: path.join(REPO_ROOT, 'runbooks') }],
    alertRuleFiles: [path.join(REPO_ROOT, 'scripts/prometheus/rules.yml')],
    urlReader: { readUrl: jest.fn(), readTree: jest.fn(), search: jest.fn() },
    loadEntities: async () => entities,
    logger,
  });
  const app = express()
    .use(createRunbooksRouter({ runbooks, getEntity: async ref => entities.find(e => stringifyEntityRef(e) === ref) }))
    .use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger }).error());

  it('lists every runbook, and gets one by id with its steps', async () => {
    const all = await request(app).get('/runbooks');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(16);
    expect(all.body.problems).toEqual([]);
    const one = await request(app).get('/runbooks/kafka-consumer-lag');
    expect(one.body).toMatchObject({ id: 'kafka-consumer-lag', severity: 'P2', alerts: ['KafkaConsumerLagHigh'], source: 'runbooks/kafka-consumer-lag.md' });
    expect(one.body.steps.map((s: any) => s.templates.map((t: any) => t.template)).flat()).toEqual(['reset-consumer-offsets']);
  });

  it('finds runbooks by alert name and by entity', async () => {
    const byAlert = await request(app).get('/runbooks?alert=DatabaseConnectionHigh');
    expect(byAlert.body.items.map((r: any) => r.id).sort()).toEqual(['database-connection-high', 'database-connection-issues', 'dr-failover']);
    const byEntity = await request(app).get('/runbooks').query({ entity: 'resource:default/ms5-kafka' });
    expect(byEntity.body.items.map((r: any) => r.id).sort()).toEqual(['kafka-consumer-lag', 'p1-incident-response', 'pod-startup-issues', 'service-down']);
    const both = await request(app).get('/runbooks').query({ entity: 'component:default/opcua-connector', alert: 'TelemetryIngestionStalled' });
    expect(both.body.items.map((r: any) => r.id).sort()).toEqual(['opcua-connection-failed', 'p1-incident-response']);
  });

  it('answers bad input and unknown ids with the field and the fix', async () => {
    const bad = await request(app).get('/runbooks?entity=scada-service');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^entity: "scada-service" is not an entity ref .*; use e\.g\. component:default\/scada-service$/);
    const missing = await request(app).get('/runbooks?entity=component:default/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('entity: no entity component:default/nope in the catalog');
    const unknown = await request(app).get('/runbooks/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/^no runbook with id "nope"/);
  });
});
