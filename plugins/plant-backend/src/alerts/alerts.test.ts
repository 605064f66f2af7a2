import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { AlertmanagerClient, PrometheusClient } from '@plantops/backstage-plugin-plant-node';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { plantPlugin } from '../plugin';
import { createTestDatabase } from '../testing/testPg';
import { HealthStore } from '../health/HealthStore';
import { createHealthRouter } from '../health/router';
import { PrometheusProbe } from '../health/probes/prometheusProbe';
import { runProbe } from '../health/probes/runProbe';
import { AlertService } from './AlertService';
import { startPromStack, PromStack } from './promStack';

const JOB = 'plant-test-svc';

const component = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'group:default/plant-team', lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/plant-team' }],
});

async function eventually<T>(what: string, ms: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

describe('alerts: real Prometheus with the guide rules firing into a real Alertmanager', () => {
  let stack: PromStack;
  let target: http.Server;
  let targetUp = true;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    // The target the test controls: /metrics answers, or 503 (Prometheus then records up == 0).
    target = http.createServer((_req, res) => {
      if (!targetUp) {
        res.statusCode = 503;
        res.end('down');
        return;
      }
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end('# TYPE http_requests_total counter\nhttp_requests_total{status="200"} 10\n');
    });
    await new Promise<void>(r => target.listen(0, '127.0.0.1', r));
    stack = await startPromStack({ [JOB]: `127.0.0.1:${(target.address() as AddressInfo).port}` });
    db = await createTestDatabase({ migrated: true });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    target?.closeAllConnections();
    await new Promise(r => target?.close(r));
    await db?.drop();
  });

  it('maps ServiceDown to the right entity, silences it through the portal, and sees it silenced', async () => {
    const published: any[] = [];
    const url = new URL(process.env.PLANTOPS_TEST_PG_URL!);
    url.pathname = `/${db.name}`;
    const backend = await startTestBackend({
      features: [
        plantPlugin,
        createServiceFactory({ service: signalsServiceRef, deps: {}, factory: () => ({ publish: async (s: any) => void published.push(s) }) }),
        catalogServiceMock.factory({
          entities: [
            component(JOB, { 'prometheus.io/alert': 'ServiceDown,HighErrorRate', 'plantops.io/prometheus-job': JOB, 'plantops.io/runbook': 'https://runbooks.example/service-down' }),
            // Listens for ServiceDown too, but of another job: must not get this alert.
            component('other-svc', { 'prometheus.io/alert': 'ServiceDown' }),
          ],
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            // The on-call routes link runbook steps to the app.
            app: { baseUrl: 'http://localhost:3000' },
            plant: {
              telemetry: { database: { connection: url.toString() } },
              simulator: { enabled: false },
              health: { enabled: false, prometheus: { baseUrl: stack.prometheusUrl } },
              alerts: { alertmanager: { baseUrl: stack.alertmanagerUrl } },
            },
          },
        }),
      ],
    });
    const server = backend.server;
    try {
      // Up first: the Prometheus probe says ok.
      const probe = new PrometheusProbe(new PrometheusClient({ baseUrl: stack.prometheusUrl }));
      const entity = component(JOB, { 'plantops.io/prometheus-job': JOB });
      await eventually('the target to be scraped', 20_000, async () => ((await runProbe(probe, entity, 5000)).status === 'ok' ? true : undefined));

      targetUp = false;
      const alert = await eventually('ServiceDown in Alertmanager, through the portal', 60_000, async () => {
        const r = await request(server).get('/api/plant/alerts');
        expect(r.status).toBe(200);
        return r.body.alerts.find((a: any) => a.name === 'ServiceDown' && a.labels.job === JOB);
      });
      expect(alert).toEqual(
        expect.objectContaining({
          source: 'alertmanager',
          severity: 'critical',
          state: 'active',
          entityRefs: [`component:default/${JOB}`],
          runbookUrl: 'https://runbooks.example/service-down',
          summary: expect.stringMatching(/^Service 127\.0\.0\.1:\d+ is down$/),
        }),
      );
      const byEntity = await request(server).get('/api/plant/alerts').query({ entityRef: 'component:default/other-svc' });
      expect(byEntity.body.alerts).toEqual([]);
      expect((await runProbe(probe, entity, 5000))).toEqual(expect.objectContaining({ status: 'down', message: expect.stringMatching(`every target of job ${JOB} is down`) }));

      const bad = await request(server).post('/api/plant/alerts/silences').send({ alertId: alert.id, minutes: 0 });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe('minutes: at least 1; comment: required, say why (e.g. "ack: looking into it")');

      const silenced = await request(server)
        .post('/api/plant/alerts/silences')
        .send({ alertId: alert.id, minutes: 30, comment: 'ack: test' });
      expect(silenced.status).toBe(201);
      const silenceId = silenced.body.silenceId;
      expect(silenced.body.matchers).toEqual(expect.arrayContaining([{ name: 'alertname', value: 'ServiceDown', isRegex: false, isEqual: true }]));

      const after = await eventually('the alert to show as silenced', 20_000, async () => {
        const r = await request(server).get('/api/plant/alerts').query({ entityRef: `component:default/${JOB}` });
        const a = r.body.alerts.find((x: any) => x.id === alert.id);
        return a?.state === 'suppressed' ? a : undefined;
      });
      expect(after.silencedBy).toEqual([silenceId]);
      const silences = await (await fetch(`${stack.alertmanagerUrl}/api/v2/silences`)).json();
      expect(silences.find((s: any) => s.id === silenceId)).toEqual(
        expect.objectContaining({ comment: 'ack: test', createdBy: 'user:default/mock', status: { state: 'active' } }),
      );

      // The Now page data: the alert, with the entity's owner for its filters.
      const now = await request(server).get('/api/plant/now');
      expect(now.body.alerts.map((a: any) => a.id)).toContain(alert.id);
      expect(now.body.entities[`component:default/${JOB}`]).toEqual(expect.objectContaining({ owner: 'group:default/plant-team' }));
    } finally {
      await backend.stop();
      targetUp = true;
    }
  }, 150_000);

  it('refuses to silence without the permission', async () => {
    const store = new HealthStore(db.pool);
    const alerts = new AlertService({ loadEntities: async () => [] });
    const app = express();
    app.use(
      createHealthRouter({
        store,
        alerts,
        loadEntities: async () => [],
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
      }),
    );
    app.use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger: mockServices.logger.mock() }).error());
    const r = await request(app).post('/alerts/silences').send({ alertId: 'x', minutes: 5, comment: 'c' });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toBe('silencing alerts needs the plant.alert.silence permission');
  });

  it('gives unknown with the reason, not ok and not a crash, when Prometheus or Alertmanager is down', async () => {
    await stack.stopAlertmanager();
    const service = new AlertService({ alertmanager: new AlertmanagerClient({ baseUrl: stack.alertmanagerUrl, timeoutMs: 2000 }), loadEntities: async () => [] });
    const list = await service.list();
    expect(list.alerts).toEqual([]);
    expect(list.sources).toEqual([
      { source: 'alertmanager', status: 'unknown', message: expect.stringMatching(/^Alertmanager at http:\/\/127\.0\.0\.1:\d+ did not answer: .*ECONNREFUSED/) },
    ]);

    await stack.stopPrometheus();
    const probe = new PrometheusProbe(new PrometheusClient({ baseUrl: stack.prometheusUrl, timeoutMs: 2000 }));
    const r = await runProbe(probe, component(JOB, { 'plantops.io/prometheus-job': JOB }), 5000);
    expect(r.status).toBe('unknown');
    expect(r.message).toMatch(/^Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer: .*ECONNREFUSED/);
  }, 30_000);
});
