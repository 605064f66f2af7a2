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

  it('links a firing alert to the runbook for its entity', async () => {
    expect(await runbooks.linkFor('KafkaConsumerLagHigh', ['resource:default/ms5-kafka'])).toBe(
      '/runbooks/kafka-consumer-lag?entity=resource%3Adefault%2Fms5-kafka&alert=KafkaConsumerLagHigh',
    );
    // Five runbooks answer ServiceDown for a service; the one about nothing else wins.
    expect(await runbooks.linkFor('ServiceDown', ['component:default/scada-service'])).toBe(
      '/runbooks/service-down?entity=component%3Adefault%2Fscada-service&alert=ServiceDown',
    );
    // DR failover names the primary by ref, but the connection runbook is the answer to this alert.
    expect(await runbooks.linkFor('DatabaseConnectionHigh', ['resource:default/ms5-postgres-primary'])).toBe(
      '/runbooks/database-connection-high?entity=resource%3Adefault%2Fms5-postgres-primary&alert=DatabaseConnectionHigh',
    );
    // An entity no runbook applies to still gets the alert's runbook.
    expect(await runbooks.linkFor('HighErrorRate', ['group:default/oncall-team'])).toBe(
      '/runbooks/high-error-rate?entity=group%3Adefault%2Foncall-team&alert=HighErrorRate',
    );
    expect(await runbooks.linkFor('OEELow', ['productionline:default/ms5-plant-a-filling'])).toBeNull();
    expect(await runbooks.linkFor('TelemetryIngestionStalled')).toBe('/runbooks/opcua-connection-failed?alert=TelemetryIngestionStalled');
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
