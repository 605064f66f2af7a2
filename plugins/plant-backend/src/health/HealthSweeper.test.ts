import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { PlantOpcUaServer } from '@plantops/plant-simulator';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase } from '../testing/testPg';
import { HealthStore } from './HealthStore';
import { HealthSweeper } from './HealthSweeper';
import { migrateHealth } from './schema';
import { HttpProbe } from './probes/httpProbe';
import { OpcUaProbe } from './probes/opcuaProbe';

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
    const site: Entity = {
      apiVersion: 'plantops.io/v1alpha1',
      kind: 'Site',
      metadata: { name: 'plant-x', namespace: 'default' },
      spec: {
        type: 'edge-site', owner: 'group:default/team', region: 'eu', plantCode: 'X', timezone: 'UTC',
        shiftCalendar: { shifts: [] },
        connectors: { opcua: [{ name: 'plc1', endpointUrl: opcuaUrl, securityMode: 'None', securityPolicy: 'None' }] },
      },
    };
    const lastChange = new Date(Date.now() - 10_000);
    const sweeper = new HealthSweeper(
      {
        probes: [new OpcUaProbe({ lastDataChange: async name => (name === 'plant-x' ? lastChange : undefined) })],
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
  }, 90_000);
});
