import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { PlantOpcUaServer } from '@plantops/plant-simulator';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase } from '../testing/testPg';
import { HealthStore } from './HealthStore';
import { HealthSweeper } from './HealthSweeper';
import { migrateHealth } from './schema';
import { ConfigReader } from '@backstage/config';
import { KubernetesClusterResolver } from '@plantops/backstage-plugin-plant-node';
import { DemoOpcUaServers } from './demoOpcUa';
import { HttpProbe } from './probes/httpProbe';
import { KubernetesProbe } from './probes/kubernetesProbe';
import { OpcUaProbe } from './probes/opcuaProbe';
import { PrometheusProbe } from './probes/prometheusProbe';
import { runProbe } from './probes/runProbe';

const START = '2025-03-03T07:30:00.000Z';

const component = (name: string, url: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations: { 'plantops.io/health-url': url } },
  spec: { type: 'service', owner: 'group:default/team', lifecycle: 'production', system: 'sys' },
});

describe('HealthSweeper with the real PostgreSQL, HTTP servers and an OPC UA server', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let httpServer: http.Server;
  let answer = 200;
  let base = '';
  const opcua = new PlantOpcUaServer({ tickMs: 0, simulation: { seed: 1, startTime: START } });
  let opcuaUrl = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateHealth(db.pool);
    httpServer = http.createServer((req, res) => {
      if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 3000);
        return;
      }
      res.statusCode = answer;
      res.end('{}');
    });
    await new Promise<void>(r => httpServer.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    opcuaUrl = await opcua.start();
  }, 60_000);

  afterAll(async () => {
    httpServer.closeAllConnections();
    await new Promise(r => httpServer.close(r));
    await opcua.stop();
    await db.drop();
  });

  it('probes HTTP endpoints, derives the System from its parts and keeps the time of each change', async () => {
    const store = new HealthStore(db.pool);
    const a = component('a', `${base}/health`);
    const slow = component('slow', `${base}/slow`);
    const system: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'sys', namespace: 'default' },
      spec: { owner: 'group:default/team' },
      relations: [
        { type: 'hasPart', targetRef: 'component:default/a' },
        { type: 'hasPart', targetRef: 'component:default/slow' },
      ],
    };
    const sweeper = new HealthSweeper(
      { probes: [new HttpProbe()], store, loadEntities: async () => [a, slow, system], logger: mockServices.logger.mock() },
      { timeoutMs: 1000 },
    );
    let t = Date.parse('2026-01-01T00:00:00Z');
    const r1 = await sweeper.sweep(() => new Date(t));
    expect(r1.probes).toBe(2);
    const h1 = Object.fromEntries((await store.current()).map(h => [h.entityRef, h]));
    expect(h1['component:default/a'].status).toBe('ok');
    expect(h1['component:default/a'].reasons[0].details).toEqual(expect.objectContaining({ statusCode: 200 }));
    expect(h1['component:default/slow']).toEqual(
      expect.objectContaining({ status: 'down', reasons: [expect.objectContaining({ message: 'no answer within 1000 ms' })] }),
    );
    expect(h1['system:default/sys']).toEqual(
      expect.objectContaining({ status: 'degraded', derived: true, since: '2026-01-01T00:00:00.000Z' }),
    );
    expect(h1['system:default/sys'].reasons).toEqual([
      expect.objectContaining({ entityRef: 'component:default/slow', status: 'down' }),
    ]);

    // a now answers 503: a goes down, and with both parts down the System is down.
    answer = 503;
    t += 60_000;
    const r2 = await sweeper.sweep(() => new Date(t));
    expect(r2.changed.map(c => [c.entityRef, c.previous, c.status]).sort()).toEqual([
      ['component:default/a', 'ok', 'down'],
      ['system:default/sys', 'degraded', 'down'],
    ]);
    const a2 = (await store.current(['component:default/a']))[0];
    expect(a2.reasons[0].message).toMatch(/answered HTTP 503/);
    expect(a2.since).toBe('2026-01-01T00:01:00.000Z');

    // Same status again: since stays, checkedAt moves, no new history row.
    t += 60_000;
    await sweeper.sweep(() => new Date(t));
    const a3 = (await store.current(['component:default/a']))[0];
    expect(a3.since).toBe('2026-01-01T00:01:00.000Z');
    expect(a3.checkedAt).toBe('2026-01-01T00:02:00.000Z');
    expect((await store.history('component:default/a', new Date(0))).map(c => c.status)).toEqual(['ok', 'down']);
    answer = 200;
  }, 30_000);

  it('takes a Site down within two sweeps when its OPC UA server dies, and back up when it returns', async () => {
    const store = new HealthStore(db.pool);
    const site = plantX(opcuaUrl);
    const lastChange = new Date(Date.now() - 10_000);
    const probe = new OpcUaProbe({ lastDataChange: async name => (name === 'plant-x' ? lastChange : undefined) });
    const sweeper = new HealthSweeper(
      {
        probes: [probe],
        store,
        loadEntities: async () => [site],
        logger: mockServices.logger.mock(),
      },
      { timeoutMs: 5000 },
    );
    const status = async () => (await store.current(['site:default/plant-x']))[0];

    await sweeper.sweep();
    expect((await status()).status).toBe('ok');
    expect((await status()).reasons[0].message).toMatch(/plc1: Running; last data change \d+ s ago/);

    await opcua.stop();
    let sweeps = 0;
    while ((await status()).status !== 'down' && sweeps < 2) {
      await sweeper.sweep();
      sweeps++;
    }
    expect((await status()).status).toBe('down');
    expect((await status()).reasons[0].message).toMatch(/plc1 \(opc\.tcp:\/\/.*\): cannot connect/);

    await opcua.start(); // same port: a restart reuses it
    sweeps = 0;
    while ((await status()).status !== 'ok' && sweeps < 2) {
      await sweeper.sweep();
      sweeps++;
    }
    expect((await status()).status).toBe('ok');
    expect((await store.history('site:default/plant-x', new Date(0))).map(c => c.status)).toEqual(['ok', 'down', 'ok']);
    await probe.close();
  }, 90_000);
  const plantX = (endpointUrl: string, securityMode = 'None', securityPolicy = 'None'): Entity => ({
    apiVersion: 'plantops.io/v1alpha1',
    kind: 'Site',
    metadata: { name: 'plant-x', namespace: 'default' },
    spec: {
      type: 'edge-site', owner: 'group:default/team', region: 'eu', plantCode: 'X', timezone: 'UTC',
      shiftCalendar: { shifts: [] },
      connectors: { opcua: [{ name: 'plc1', endpointUrl, securityMode, securityPolicy }] },
    },
  });

  it('keeps one OPC UA session per endpoint across sweeps, and reconnects after a server restart without a false down', async () => {
    const store = new HealthStore(db.pool);
    const probe = new OpcUaProbe();
    const sweeper = new HealthSweeper(
      { probes: [probe], store, loadEntities: async () => [plantX(opcuaUrl)], logger: mockServices.logger.mock() },
      { timeoutMs: 5000 },
    );
    const sessions = () => (opcua as any).server.engine.currentSessionCount as number;
    try {
      await sweeper.sweep();
      expect(sessions()).toBe(1);
      await sweeper.sweep();
      await sweeper.sweep();
      // Three sweeps, one session: the probe did not connect again.
      expect(sessions()).toBe(1);
      expect((await store.current(['site:default/plant-x']))[0].status).toBe('ok');

      await opcua.stop();
      await opcua.start();
      const r = await sweeper.sweep();
      expect((await store.current(['site:default/plant-x']))[0].status).toBe('ok');
      expect(r.changed).toEqual([]);
      expect(sessions()).toBe(1);
    } finally {
      await probe.close();
    }
  }, 90_000);

  it('says "not monitored here" for targets this portal has no configuration for, and keeps them out of derived statuses', async () => {
    const store = new HealthStore(db.pool);
    const placeholder = component('gateway', 'https://api.ms5.example.com/health');
    placeholder.metadata.annotations!['plantops.io/prometheus-job'] = 'ms5-gateway';
    placeholder.metadata.annotations!['backstage.io/kubernetes-id'] = 'ms5-gateway';
    const bare: Entity = { ...component('bare', ''), metadata: { name: 'bare', namespace: 'default' } };
    const a = component('a', `${base}/health`);
    const system = (name: string, parts: string[]): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name, namespace: 'default' },
      spec: { owner: 'group:default/team' },
      relations: parts.map(targetRef => ({ type: 'hasPart', targetRef })),
    });
    const mixed = system('mixed', ['component:default/a', 'component:default/gateway', 'component:default/bare']);
    const dark = system('dark', ['component:default/gateway', 'component:default/bare']);
    const sweeper = new HealthSweeper(
      {
        probes: [
          new HttpProbe(),
          new PrometheusProbe(),
          new KubernetesProbe(new KubernetesClusterResolver(new ConfigReader({})), { getEntityByRef: async () => undefined } as any, async () => ({}) as any),
        ],
        store,
        loadEntities: async () => [placeholder, bare, a, mixed, dark],
        logger: mockServices.logger.mock(),
      },
      { timeoutMs: 2000 },
    );
    await sweeper.sweep();
    const h = Object.fromEntries((await store.current()).map(x => [x.entityRef, x]));

    const gw = h['component:default/gateway'];
    expect(gw.status).toBe('unknown');
    expect(gw.reasons.map(r => [r.probe, r.message])).toEqual([
      ['http', expect.stringMatching(/^not monitored here \(plantops.io\/health-url https:\/\/api.ms5.example.com\/health names the placeholder host/)],
      ['prometheus', 'not monitored here (plantops.io/prometheus-job ms5-gateway, but no plant.health.prometheus.baseUrl)'],
      ['kubernetes', 'not monitored here (backstage.io/kubernetes-id ms5-gateway, but no cluster in plant.kubernetes.clusters)'],
    ]);
    expect(gw.reasons.every(r => r.details?.notMonitored === true)).toBe(true);
    expect(h['component:default/bare']).toEqual(
      expect.objectContaining({
        status: 'unknown',
        reasons: [expect.objectContaining({ probe: 'none', message: expect.stringMatching(/^not monitored here \(no plantops.io\/health-url, /) })],
      }),
    );
    // Only the monitored part counts: a is ok, so the System is ok.
    expect(h['system:default/mixed']).toEqual(expect.objectContaining({ status: 'ok', derived: true, reasons: [] }));
    expect(h['system:default/dark'].status).toBe('unknown');
    expect(h['system:default/dark'].reasons).toEqual([
      expect.objectContaining({ message: 'not monitored here (none of its 2 part(s) is monitored here)' }),
    ]);
  }, 30_000);

  it("probes a demo Site's connector on the demo plant's in-process server, with the declared security", async () => {
    const store = new HealthStore(db.pool);
    const site = plantX('opc.tcp://plc1.local:4840', 'SignAndEncrypt', 'Basic256Sha256');
    const demo = new DemoOpcUaServers({
      logger: mockServices.logger.mock(),
      plant: async () => ({
        sites: [
          {
            name: 'plant-x',
            calendar: { utcOffsetMinutes: 0, shifts: [] },
            lines: [{ name: 'line-1', machines: [{ name: 'm1', products: [{ id: 'p', idealCycleTimeS: 2 }] }] }],
          },
        ],
      }),
    });
    const probe = new OpcUaProbe({ standIn: demo.standIn });
    const sweeper = new HealthSweeper(
      { probes: [probe], store, loadEntities: async () => [site], logger: mockServices.logger.mock() },
      { timeoutMs: 30_000 },
    );
    try {
      await sweeper.sweep();
      const h = (await store.current(['site:default/plant-x']))[0];
      expect(h.status).toBe('ok');
      expect(h.reasons[0].message).toBe(
        "plc1: Running (the demo plant's in-process server standing in for opc.tcp://plc1.local:4840)",
      );
      // The stand-in really is the check: once it is gone, the Site is down.
      await demo.stop();
      await probe.close();
      const gone = new OpcUaProbe({ standIn: async () => ({ url: 'opc.tcp://127.0.0.1:1', note: 'a stopped server' }) });
      await new HealthSweeper(
        { probes: [gone], store, loadEntities: async () => [site], logger: mockServices.logger.mock() },
        { timeoutMs: 10_000 },
      ).sweep();
      expect((await store.current(['site:default/plant-x']))[0].status).toBe('down');
    } finally {
      await probe.close();
      await demo.stop();
    }
  }, 120_000);
  it('judges an OPC UA site\'s data age only while a shift runs, not between shifts', async () => {
    const h = new Date().getUTCHours();
    const hh = (x: number) => `${String((x + 24) % 24).padStart(2, '0')}:00`;
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const withShift = (start: string, end: string): Entity => {
      const site = plantX(opcuaUrl);
      (site.spec as any).shiftCalendar = { shifts: [{ name: 'day', start, end, days }] };
      return site;
    };
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    const probe = new OpcUaProbe({ lastDataChange: async () => twoHoursAgo });
    try {
      const inShift = await runProbe(probe, withShift(hh(h - 3), hh(h + 3)), 10_000);
      expect(inShift.status).toBe('degraded');
      expect(inShift.message).toMatch(/no data change for 7\d\d\d s \(over 300 s in shift \d{4}-\d\d-\d\d day\)/);
      const between = await runProbe(probe, withShift(hh(h + 2), hh(h + 3)), 10_000);
      expect(between.status).toBe('ok');
      expect(between.message).toMatch(/last data change 7\d\d\d s ago \(no shift or a planned break now\)/);
    } finally {
      await probe.close();
    }
  }, 60_000);
});
