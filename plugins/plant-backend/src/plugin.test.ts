import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { plantPlugin } from './plugin';
import { demoSiteEntities } from './testing/demoEntities';
import { createTestDatabase } from './testing/testPg';

describe('plant backend plugin', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('serves live OEE, machines and metrics from the embedded demo plant', async () => {
    const published: any[] = [];
    const signals = createServiceFactory({
      service: signalsServiceRef,
      deps: {},
      factory: () => ({ publish: async (s: any) => void published.push(s) }),
    });
    const url = new URL(process.env.PLANTOPS_TEST_PG_URL!);
    url.pathname = `/${db.name}`;
    const backend = await startTestBackend({
      features: [
        plantPlugin,
        signals,
        catalogServiceMock.factory({ entities: demoSiteEntities() }),
        mockServices.rootConfig.factory({
          data: {
            plant: {
              telemetry: { database: { connection: url.toString() } },
              simulator: { enabled: true, speed: 60 },
            },
          },
        }),
      ],
    });

    const server = backend.server;
    // The embedded plant starts once it has read the catalog's sites.
    const deadline = Date.now() + 60_000;
    while ((await request(server).get('/api/plant/machines')).body.items?.length === 0) {
      if (Date.now() > deadline) throw new Error('the demo plant produced no machines within 60 s');
      await new Promise(r => setTimeout(r, 250));
    }
    const machines = await request(server).get('/api/plant/machines');
    expect(machines.status).toBe(200);
    // Every machine of the catalog's demo lines (catalog/sites.yaml).
    expect(machines.body.items.map((m: any) => `${m.line}/${m.machine}`).sort()).toEqual([
      'iip-plant-b-machining/cnc-1', 'iip-plant-b-machining/cnc-2', 'iip-plant-b-machining/deburr',
      'iip-plant-b-machining/measuring',
      'ms5-plant-a-filling/capper', 'ms5-plant-a-filling/filler', 'ms5-plant-a-filling/labeller',
      'ms5-plant-a-packaging/case-packer', 'ms5-plant-a-packaging/palletiser',
    ]);
    expect(machines.body.items[0]).toMatchObject({ site: expect.any(String), state: expect.any(String) });

    // The demo plant starts a shift in the past: the last 8 h have OEE.
    const to = new Date();
    const from = new Date(to.getTime() - 8 * 3600_000);
    const oee = await request(server)
      .get('/api/plant/oee')
      .query({ from: from.toISOString(), to: to.toISOString(), groupBy: 'line' });
    expect(oee.status).toBe(200);
    const running = oee.body.groups.filter((g: any) => g.result.oee !== null);
    expect(running.length).toBeGreaterThanOrEqual(1);
    for (const g of running) {
      expect(g.result.oee).toBeGreaterThan(0.2);
      expect(g.result.oee).toBeLessThan(1);
      expect(g.result.oee).toBeCloseTo(g.result.availability * g.result.performance * g.result.quality, 9);
    }

    const metrics = await request(server).get('/api/plant/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/ms5_oee_percentage\{site="[^"]+",line="[^"]+"\} \d/);
    expect(metrics.text).toMatch(/plant_ingested_events_total\{source="simulator",outcome="applied"\} [1-9]/);
    expect(published[0]).toMatchObject({ channel: 'plant:telemetry', message: { site: expect.any(String) } });

    const bad = await request(server).get('/api/plant/oee').query({ from: 'yesterday', to: to.toISOString() });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('from: not an ISO 8601 time; use e.g. 2026-11-25T06:00:00Z');
    const badGroup = await request(server)
      .get('/api/plant/oee')
      .query({ from: from.toISOString(), to: to.toISOString(), groupBy: 'week' });
    expect(badGroup.body.error.message).toBe('groupBy: must be one of machine, line, site, day, shift');
    await backend.stop();
  }, 120_000);
});
