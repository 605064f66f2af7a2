import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { plantPlugin } from '../plugin';
import { PLANT_TELEMETRY_CHANNEL } from '../LivePublisher';
import {
  parseTelemetryEvent,
  ProductionLineEntity,
  SiteEntity,
} from '@plantops/backstage-plugin-plant-common';
import { PlantOpcUaServer } from '@plantops/plant-simulator';
import { createTestDatabase } from '../testing/testPg';
import { defaultNodeMap, OpcUaIngestor } from './OpcUaIngestor';
import { connectorPlans, OpcUaSites } from './OpcUaSites';
import { RollupWriter } from './RollupWriter';

function entities(url: string, machines: { site: string; line: string; machine: string }[]) {
  const { site } = machines[0];
  const siteEntity = {
    apiVersion: 'plantops.io/v1alpha1',
    kind: 'Site',
    metadata: { name: site, namespace: 'default' },
    spec: {
      type: 'plant', owner: 'group:default/ops', region: 'eu', plantCode: 'P1', timezone: 'UTC',
      shiftCalendar: { shifts: [] },
      connectors: { opcua: [{ name: 'plc', endpointUrl: url, securityMode: 'None', securityPolicy: 'None' }] },
    },
  } as unknown as SiteEntity;
  const byLine = new Map<string, typeof machines>();
  for (const m of machines) byLine.set(m.line, [...(byLine.get(m.line) ?? []), m]);
  const lines = [...byLine].map(([line, list]) => ({
    apiVersion: 'plantops.io/v1alpha1',
    kind: 'ProductionLine',
    metadata: { name: line, namespace: 'default' },
    spec: {
      site: `site:default/${site}`, owner: 'group:default/ops',
      machines: list.map(m => {
        const n = defaultNodeMap(m.site, m.line, m.machine);
        return {
          name: m.machine, idealCycleTimeSeconds: 1,
          opcua: { nodeMap: { state: n.state, totalCount: n.totalCount, goodCount: n.goodCount, rejectCount: n.rejectCount, idealCycleTime: n.idealCycleTime, andon: n.andonActive } },
        };
      }),
    },
  })) as unknown as ProductionLineEntity[];
  return { site: siteEntity, lines };
}

describe('OPC UA subscriptions from the Site entities', () => {
  it('names the field and the fix for a machine whose node map lacks a node the ingestor needs', () => {
    const { site, lines } = entities('opc.tcp://127.0.0.1:4840', [{ site: 's', line: 'l', machine: 'm' }]);
    delete (lines[0].spec.machines[0].opcua!.nodeMap as any).idealCycleTime;
    const { plans, problems } = connectorPlans([site], lines);
    expect(plans).toEqual([]);
    expect(problems).toEqual([
      'ProductionLine l: spec.machines[0].opcua.nodeMap.idealCycleTime: missing; the OPC UA ingestor needs them, add the node ids',
    ]);
  });

  it('subscribes when a site appears in the catalog and stops when it goes', async () => {
    const db = await createTestDatabase({ migrated: true });
    const server = new PlantOpcUaServer({ tickMs: 0, simulation: { seed: 3, startTime: '2025-03-03T07:30:00.000Z' } });
    const url = await server.start();
    const ingestors: OpcUaIngestor[] = [];
    const sites = new OpcUaSites({
      writer: new RollupWriter(db.pool, raw => parseTelemetryEvent(raw)),
      logger: mockServices.logger.mock(),
      samplingIntervalMs: 100,
      publishingIntervalMs: 100,
      onIngestor: i => ingestors.push(i),
    });
    try {
      const all = server.simulator.snapshot().map(({ site, line, machine }) => ({ site, line, machine }));
      const machines = all.filter(m => m.site === all[0].site).slice(0, 4);
      const { site, lines } = entities(url, machines);
      await sites.sync([site], lines);
      expect(sites.connectors).toEqual([`${machines[0].site}/plc`]);
      // The initial values arrive as each machine's state and counters.
      const deadline = Date.now() + 30_000;
      let n = 0;
      while (Date.now() < deadline) {
        const r = await db.pool.query('SELECT count(*)::int AS n FROM plant_machine WHERE state IS NOT NULL AND total IS NOT NULL');
        n = r.rows[0].n;
        if (n === machines.length) break;
        await new Promise(res => setTimeout(res, 100));
      }
      expect(n).toBe(machines.length);
      // The same catalog again changes nothing; an empty one stops the subscription.
      await sites.sync([site], lines);
      expect(ingestors).toHaveLength(1);
      await sites.sync([], []);
      expect(sites.connectors).toEqual([]);
      expect(ingestors[0].connected).toBe(false);
    } finally {
      await sites.stop();
      await server.stop();
      await db.drop();
    }
  }, 90_000);

  it('feeds the ingestion metrics and live signals of the plugin, as Kafka does', async () => {
    const db = await createTestDatabase();
    const server = new PlantOpcUaServer({ tickMs: 0, simulation: { seed: 5, startTime: '2025-03-03T07:30:00.000Z' } });
    const url = await server.start();
    const published: { channel: string; message: { site: string; line: string } }[] = [];
    const signals = createServiceFactory({
      service: signalsServiceRef,
      deps: {},
      factory: () => ({ publish: async (s: any) => void published.push(s) }),
    });
    const all = server.simulator.snapshot().map(({ site, line, machine }) => ({ site, line, machine }));
    const machines = all.filter(m => m.site === all[0].site && m.line === all[0].line);
    const { site, lines } = entities(url, machines);
    const dbUrl = new URL(process.env.PLANTOPS_TEST_PG_URL!);
    dbUrl.pathname = `/${db.name}`;
    const backend = await startTestBackend({
      features: [
        plantPlugin,
        signals,
        catalogServiceMock.factory({ entities: [site, ...lines] }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            plant: {
              telemetry: { database: { connection: dbUrl.toString() }, opcua: { enabled: true, pollSeconds: 5 } },
              simulator: { enabled: false },
            },
          },
        }),
      ],
    });
    try {
      // The initial values of the subscribed machines are the first OPC UA batch.
      const applied = async () => {
        const text = (await request(backend.server).get('/api/plant/metrics')).text;
        const m = /plant_ingested_events_total\{source="opcua",outcome="applied"\} (\d+)/.exec(text);
        return { n: m ? Number(m[1]) : 0, text };
      };
      const deadline = Date.now() + 60_000;
      let metrics = await applied();
      while (metrics.n < machines.length && Date.now() < deadline) {
        await new Promise(res => setTimeout(res, 250));
        metrics = await applied();
      }
      expect(metrics.n).toBeGreaterThanOrEqual(machines.length);
      // Since the previous scrape nothing new came (tickMs 0): the rate a scrape
      // sees is what arrived since the one before, so read it after new values.
      server.advance(120);
      const rateDeadline = Date.now() + 30_000;
      let rate = 0;
      while (rate === 0 && Date.now() < rateDeadline) {
        await new Promise(res => setTimeout(res, 500));
        const text = (await request(backend.server).get('/api/plant/metrics')).text;
        rate = Number(/^ms5_data_ingestion_rate (\S+)$/m.exec(text)?.[1] ?? 0);
      }
      expect(rate).toBeGreaterThan(0);
      expect(published).toContainEqual(
        expect.objectContaining({
          channel: PLANT_TELEMETRY_CHANNEL,
          message: expect.objectContaining({ site: machines[0].site, line: machines[0].line }),
        }),
      );
    } finally {
      await backend.stop();
      await server.stop();
      await db.drop();
    }
  }, 120_000);
});
