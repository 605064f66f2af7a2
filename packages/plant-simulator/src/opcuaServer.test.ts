import {
  AttributeIds,
  ClientMonitoredItem,
  DataValue,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
} from 'node-opcua-client';
import {
  machineNodeId,
  MachineVariable,
  PlantOpcUaServer,
} from './opcuaServer';
import { connectClient, TestClient } from './opcuaTestClient';
import { MachineSnapshot } from './machine';

const START = '2025-03-03T05:00:00.000Z'; // Monday 06:00 in Berlin
const FILLER = ['ms5-plant-berlin', 'line-1', 'filler'] as const;

async function readMachine(
  session: TestClient['session'],
  site: string,
  line: string,
  machine: string,
) {
  const names: MachineVariable[] = [
    'State',
    'TotalCount',
    'GoodCount',
    'RejectCount',
    'IdealCycleTime',
    'Product',
    'AndonActive',
    'AndonColour',
  ];
  const values = await session.read(
    names.map(n => ({
      nodeId: machineNodeId(site, line, machine, n),
      attributeId: AttributeIds.Value,
    })),
  );
  return Object.fromEntries(names.map((n, i) => [n, values[i]])) as Record<
    MachineVariable,
    DataValue
  >;
}

function expectMatches(
  read: Record<MachineVariable, DataValue>,
  m: MachineSnapshot,
) {
  for (const dv of Object.values(read)) expect(dv.statusCode.name).toBe('Good');
  expect({
    state: read.State.value.value,
    total: read.TotalCount.value.value,
    good: read.GoodCount.value.value,
    reject: read.RejectCount.value.value,
    ict: read.IdealCycleTime.value.value,
    product: read.Product.value.value,
    andonActive: read.AndonActive.value.value,
    andonColour: read.AndonColour.value.value,
  }).toEqual({
    state: m.state,
    total: m.total,
    good: m.good,
    reject: m.reject,
    ict: m.idealCycleTimeS,
    product: m.product,
    andonActive: m.andonActive,
    andonColour: m.andonColour,
  });
  // Source timestamps are simulated time, not the server's clock.
  expect(read.State.sourceTimestamp).toEqual(m.stateAt);
  expect(read.TotalCount.sourceTimestamp).toEqual(m.countersAt);
}

function waitFor<T>(
  what: string,
  ms: number,
  register: (resolve: (v: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)),
      ms,
    );
    register(v => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

describe('PlantOpcUaServer', () => {
  let server: PlantOpcUaServer;
  let client: TestClient | undefined;

  beforeAll(async () => {
    server = new PlantOpcUaServer({
      tickMs: 0,
      simulation: { seed: 7, startTime: START },
    });
    await server.start();
    server.advance(1800);
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  afterAll(async () => {
    await server.stop();
  });

  it('starts on a free port and reports the real endpoint', () => {
    expect(server.endpointUrl).toMatch(/^opc\.tcp:\/\/[^:]+:\d+$/);
    expect(server.endpointUrl).not.toMatch(/:0$/);
  });

  it('serves each machine under ns=1 with values matching the model', async () => {
    client = await connectClient(server.endpointUrl);
    const ns = await client.session.readNamespaceArray();
    expect(ns[1]).toMatch(/^urn:.*NodeOPCUA-Server$/);
    for (const m of server.simulator.snapshot()) {
      expectMatches(
        await readMachine(client.session, m.site, m.line, m.machine),
        m,
      );
    }
    const filler = server.simulator.machine(...FILLER);
    expect(filler.total).toBeGreaterThan(1000);
  });

  it('organises sites, lines and machines as folders', async () => {
    client = await connectClient(server.endpointUrl);
    const names = async (nodeId: string) =>
      ((await client!.session.browse(nodeId)).references ?? []).map(
        r => r.browseName.name,
      );
    expect(await names('ns=0;i=85')).toEqual(
      expect.arrayContaining(['ms5-plant-berlin', 'ms5-plant-monterrey']),
    );
    expect(await names('ns=1;s=ms5-plant-berlin')).toEqual([
      'line-1',
      'line-2',
      'line-3',
    ]);
    expect(await names('ns=1;s=ms5-plant-berlin.line-1')).toEqual([
      'filler',
      'capper',
      'labeler',
      'case-packer',
    ]);
    expect(await names('ns=1;s=ms5-plant-berlin.line-1.filler')).toEqual([
      'State',
      'TotalCount',
      'GoodCount',
      'RejectCount',
      'IdealCycleTime',
      'Product',
      'AndonActive',
      'AndonColour',
    ]);
  });

  it('notifies a subscription when the simulation advances', async () => {
    client = await connectClient(server.endpointUrl);
    const subscription = await client.session.createSubscription2({
      requestedPublishingInterval: 50,
      requestedMaxKeepAliveCount: 20,
      publishingEnabled: true,
    });
    const item = ClientMonitoredItem.create(
      subscription,
      {
        nodeId: machineNodeId(...FILLER, 'TotalCount'),
        attributeId: AttributeIds.Value,
      },
      { samplingInterval: 0, queueSize: 10, discardOldest: true },
      TimestampsToReturn.Both,
    );
    const before = server.simulator.machine(...FILLER).total;
    const initial = await waitFor<DataValue>('the initial value', 5000, r =>
      item.once('changed', r),
    );
    expect(initial.value.value).toBe(before);

    // Several counter events happen in 60 s; the last one must arrive, with
    // its simulated timestamp, and every value on the way must grow.
    const seen: number[] = [];
    const target = waitFor<DataValue>('the final counter value', 5000, r =>
      item.on('changed', (v: DataValue) => {
        seen.push(v.value.value);
        if (v.value.value === server.simulator.machine(...FILLER).total) r(v);
      }),
    );
    server.advance(60);
    const dv = await target;
    const after = server.simulator.machine(...FILLER);
    expect(after.total).toBeGreaterThan(before);
    expect(dv.sourceTimestamp).toEqual(after.countersAt);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[0]).toBeGreaterThan(before);
    await subscription.terminate();
  });

  it('shows an injected fault and its Andon, then the recovery', async () => {
    client = await connectClient(server.endpointUrl);
    server.injectFault(...FILLER, 120);
    let read = await readMachine(client.session, ...FILLER);
    expect(read.State.value.value).toBe('OutOfService');
    expect(read.AndonActive.value.value).toBe(true);
    expect(read.AndonColour.value.value).toBe('red');
    expect(read.State.sourceTimestamp).toEqual(server.simulator.now);

    server.advance(120);
    read = await readMachine(client.session, ...FILLER);
    expectMatches(read, server.simulator.machine(...FILLER));
    expect(read.AndonActive.value.value).toBe(false);
    expect(read.State.value.value).not.toBe('OutOfService');
  });

  it('publishes a counter reset', async () => {
    client = await connectClient(server.endpointUrl);
    server.resetCounters('ms5-plant-berlin', 'line-2');
    const read = await readMachine(
      client.session,
      'ms5-plant-berlin',
      'line-2',
      'capper',
    );
    expect(read.TotalCount.value.value).toBe(0);
    expect(read.GoodCount.value.value).toBe(0);
    expect(read.RejectCount.value.value).toBe(0);
    const other = await readMachine(
      client.session,
      'ms5-plant-berlin',
      'line-1',
      'capper',
    );
    expect(other.TotalCount.value.value).toBeGreaterThan(0);
  });

  it('restarts on the same port; a client reconnects and a fresh one connects', async () => {
    client = await connectClient(server.endpointUrl, { maxRetry: 50 });
    const url = server.endpointUrl;
    const reestablished = waitFor<void>('the reconnection', 20_000, r =>
      client!.client.once('connection_reestablished', () => r()),
    );
    await server.stop();
    expect(server.started).toBe(false);
    server.advance(300); // the plant runs on while the server is down

    await server.start();
    expect(server.endpointUrl).toBe(url);
    await reestablished;
    // The old session is gone with the old server; node-opcua recreates it.
    const again = await readMachine(client.session, ...FILLER);
    expectMatches(again, server.simulator.machine(...FILLER));

    const fresh = await connectClient(url);
    try {
      expectMatches(
        await readMachine(fresh.session, ...FILLER),
        server.simulator.machine(...FILLER),
      );
    } finally {
      await fresh.close();
    }
  }, 30_000);
});

describe('several PlantOpcUaServers in one process', () => {
  it('each listen on their own port and serve their own plant', async () => {
    const servers = Array.from(
      { length: 5 },
      (_, i) =>
        new PlantOpcUaServer({
          tickMs: 0,
          simulation: { seed: 100 + i, startTime: START },
        }),
    );
    try {
      const urls = await Promise.all(servers.map(s => s.start()));
      expect(new Set(urls).size).toBe(5);
      servers.forEach(s => s.advance(3600));
      const totals = new Set<number>();
      for (const s of servers) {
        const c = await connectClient(s.endpointUrl);
        try {
          const read = await readMachine(c.session, ...FILLER);
          expectMatches(read, s.simulator.machine(...FILLER));
          totals.add(read.TotalCount.value.value);
        } finally {
          await c.close();
        }
      }
      expect(totals.size).toBeGreaterThan(1); // different seeds, different plants
    } finally {
      await Promise.all(servers.map(s => s.stop()));
    }
  }, 30_000);

  it('fails to start on a port already in use, with the port in the error', async () => {
    const a = new PlantOpcUaServer({
      tickMs: 0,
      simulation: { startTime: START },
    });
    await a.start();
    const port = Number(a.endpointUrl.split(':').pop());
    const b = new PlantOpcUaServer({
      tickMs: 0,
      port,
      simulation: { startTime: START },
    });
    try {
      await expect(b.start()).rejects.toThrow(new RegExp(String(port)));
      expect(b.started).toBe(false);
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});

describe('PlantOpcUaServer security', () => {
  let server: PlantOpcUaServer;

  beforeAll(async () => {
    server = new PlantOpcUaServer({
      tickMs: 0,
      securityModes: ['Sign', 'SignAndEncrypt'],
      simulation: { seed: 3, startTime: START },
    });
    await server.start();
    server.advance(600);
  });

  afterAll(() => server.stop());

  it.each([
    ['Sign', MessageSecurityMode.Sign],
    ['SignAndEncrypt', MessageSecurityMode.SignAndEncrypt],
  ])(
    'accepts an anonymous client over %s with its own certificate',
    async (_, mode) => {
      const c = await connectClient(server.endpointUrl, {
        securityMode: mode,
        securityPolicy: SecurityPolicy.Basic256Sha256,
      });
      try {
        expect(c.client.securityMode).toBe(mode);
        expectMatches(
          await readMachine(c.session, ...FILLER),
          server.simulator.machine(...FILLER),
        );
      } finally {
        await c.close();
      }
    },
  );

  it('offers no unsecured endpoint when None is not asked for', async () => {
    const probe = OPCUAClient.create({
      endpointMustExist: false,
      connectionStrategy: { maxRetry: 1 },
    });
    await probe.connect(server.endpointUrl);
    try {
      const endpoints = await probe.getEndpoints();
      const modes = new Set(
        endpoints.map(e => MessageSecurityMode[e.securityMode]),
      );
      expect([...modes].sort()).toEqual(['Sign', 'SignAndEncrypt']);
      // Anonymous login is offered on every endpoint.
      expect(
        endpoints.every(e =>
          e.userIdentityTokens?.some(
            t => t.tokenType === UserTokenType.Anonymous,
          ),
        ),
      ).toBe(true);
    } finally {
      await probe.disconnect();
    }
    await expect(
      connectClient(server.endpointUrl, { maxRetry: 0 }),
    ).rejects.toThrow(/End point must exist/);
  });
});
