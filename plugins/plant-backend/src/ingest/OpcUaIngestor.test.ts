import { mockServices } from '@backstage/backend-test-utils';
import {
  counterDelta,
  CounterValues,
  parseTelemetryEvent,
} from '@plantops/backstage-plugin-plant-common';
import {
  machineKey,
  PlantEvent,
  PlantOpcUaServer,
  PlantSimulator,
} from '@plantops/plant-simulator';
import type { Pool } from 'pg';
import { createTestDatabase } from '../testing/testPg';
import { defaultNodeMap, OpcUaIngestor } from './OpcUaIngestor';
import { RollupWriter } from './RollupWriter';

// Monday 08:30 in Berlin (UTC+1): the 09:00 break falls in the first hour.
const START = '2025-03-03T07:30:00.000Z';
const T0 = Date.parse(START);
const SEED = 7;
const MIN = 60_000;

async function waitUntil(
  what: string,
  ms: number,
  check: () => Promise<boolean> | boolean,
  detail: () => unknown = () => '',
) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${ms} ms waiting for ${what}: ${JSON.stringify(
          await detail(),
        )}`,
      );
    }
    await new Promise(r => setTimeout(r, 25));
  }
}

/**
 * Step lengths (ms) from `fromMs` to `toMs` such that no machine changes
 * state twice within one step: each step ends 1 ms before a machine's second
 * change. Waiting for the ingestor after every step then means every state
 * is sampled at least once. Planned on a shadow simulator's events: same
 * seed, start and commands give the same events (the simulator is
 * deterministic however time is sliced).
 */
function planSteps(events: PlantEvent[], fromMs: number, toMs: number) {
  const cuts: number[] = [];
  const seen = new Map<string, number>();
  for (const e of events) {
    if (e.type !== 'machineState') continue;
    const t = Date.parse(e.sourceTimestamp);
    if (t <= fromMs) continue;
    const k = machineKey(e);
    const prev = seen.get(k);
    // Two changes at the same instant leave no time in the first: nothing to see.
    if (prev !== undefined && prev !== t) {
      const cut = t - 1;
      cuts.push(cut);
      for (const [key, at] of seen) if (at <= cut) seen.delete(key);
    }
    seen.set(k, t);
  }
  cuts.push(toMs);
  const steps: number[] = [];
  let cursor = fromMs;
  for (const cut of cuts) {
    if (cut > cursor) steps.push(cut - cursor);
    cursor = Math.max(cursor, cut);
  }
  return steps;
}

interface Expected {
  state: string;
  stateAt: number;
  counters: CounterValues;
  /** Summed with reset handling from the first reading on. */
  produced: CounterValues;
  transitions: number;
  /** Executing seconds and all state seconds of closed intervals. */
  executingS: number;
  closedS: number;
}

/** What the simulator itself says, from everything it published. */
function expectedFrom(history: PlantEvent[]): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (const e of history) {
    const k = machineKey(e);
    const t = Date.parse(e.sourceTimestamp);
    let x = out.get(k);
    if (!x) {
      x = {
        state: '',
        stateAt: NaN,
        counters: undefined as unknown as CounterValues,
        produced: { total: 0, good: 0, reject: 0 },
        transitions: 0,
        executingS: 0,
        closedS: 0,
      };
      out.set(k, x);
    }
    if (e.type === 'machineState') {
      if (x.state) {
        const s = (t - x.stateAt) / 1000;
        x.closedS += s;
        if (x.state === 'Executing') x.executingS += s;
      }
      if (x.stateAt !== t) x.transitions++;
      x.state = e.state;
      x.stateAt = t;
    } else if (e.type === 'counters') {
      const next = { total: e.total, good: e.good, reject: e.reject };
      if (x.counters) {
        const { delta } = counterDelta(x.counters, next);
        x.produced.total += delta.total;
        x.produced.good += delta.good;
        x.produced.reject += delta.reject;
      }
      x.counters = next;
    }
  }
  return out;
}

describe('OpcUaIngestor against the plant simulator and PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: true });
    pool = db.pool;
  });
  afterAll(() => db?.drop());
  beforeEach(() =>
    pool.query(
      'TRUNCATE plant_machine, plant_state_transition, plant_rollup_minute, plant_dead_letter, plant_andon_event',
    ),
  );

  async function machineRows() {
    const r = await pool.query(
      'SELECT site, line, machine, state, state_since, total, good, reject FROM plant_machine',
    );
    return new Map(r.rows.map(row => [machineKey(row), row]));
  }

  /** Until the database holds the last published state and counters of every machine. */
  async function settled(history: PlantEvent[]) {
    const expected = expectedFrom(history);
    let mismatches: string[] = [];
    await waitUntil(
      'the rollups to settle',
      20_000,
      async () => {
        const rows = await machineRows();
        mismatches = [];
        for (const [k, x] of expected) {
          const row = rows.get(k);
          if (
            !row ||
            row.state !== x.state ||
            row.state_since?.getTime() !== x.stateAt ||
            Number(row.total) !== x.counters.total ||
            Number(row.good) !== x.counters.good ||
            Number(row.reject) !== x.counters.reject
          ) {
            mismatches.push(
              `${k}: want ${x.state} since ${new Date(
                x.stateAt,
              ).toISOString()}, ${JSON.stringify(x.counters)}; got ${
                row?.state
              } since ${row?.state_since?.toISOString()}, ${JSON.stringify({
                total: row?.total,
                good: row?.good,
                reject: row?.reject,
              })}`,
            );
          }
        }
        return mismatches.length === 0;
      },
      () => mismatches,
    );
  }

  async function rollups() {
    const r = await pool.query(`
      SELECT site, line, machine, sum(executing_s)::float AS executing,
        sum(executing_s + idle_s + fault_s + micro_stop_s + setup_s + planned_downtime_s + no_shift_s)::float AS closed,
        sum(produced)::int AS produced, sum(good)::int AS good, sum(reject)::int AS reject
      FROM plant_rollup_minute GROUP BY site, line, machine`);
    const t = await pool.query(
      'SELECT site, line, machine, count(*)::int AS n FROM plant_state_transition GROUP BY site, line, machine',
    );
    const transitions = new Map(t.rows.map(row => [machineKey(row), row.n]));
    const zero = { executing: 0, closed: 0, produced: 0, good: 0, reject: 0 };
    const byKey = new Map(r.rows.map(row => [machineKey(row), row]));
    return (k: string) => ({
      ...zero,
      ...byKey.get(k),
      transitions: transitions.get(k) ?? 0,
    });
  }

  /** Rollups equal to what the simulator published, machine by machine. */
  async function expectRollupsToMatch(history: PlantEvent[]) {
    const get = await rollups();
    const expected = expectedFrom(history);
    expect(expected.size).toBe(18);
    let executing = 0;
    let produced = 0;
    for (const [k, x] of expected) {
      const got = get(k);
      const want = {
        produced: x.produced.total,
        good: x.produced.good,
        reject: x.produced.reject,
        transitions: x.transitions,
      };
      expect({ machine: k, ...pick(got, want) }).toEqual({
        machine: k,
        ...want,
      });
      // Exact, not "within the sampling interval": event times are the
      // server's source timestamps (the simulated instant of each change),
      // and the steps above let the ingestor see every state, so sampling
      // adds no error. 1 ms covers floating point in the per-minute split.
      expect({ k, executing: got.executing }).toEqual({
        k,
        executing: expect.closeTo(x.executingS, 3),
      });
      expect({ k, closed: got.closed }).toEqual({
        k,
        closed: expect.closeTo(x.closedS, 3),
      });
      executing += x.executingS;
      produced += x.produced.total;
    }
    return { executing, produced };
  }

  it('rolls up an hour of a simulated plant exactly, and again after a server restart', async () => {
    const history: PlantEvent[] = [];
    const server = new PlantOpcUaServer({
      tickMs: 0,
      simulation: { seed: SEED, startTime: START },
    });
    server.onEvents(events => history.push(...events));
    const shadow = new PlantSimulator({ seed: SEED, startTime: START });
    shadow.advance(0);
    const url = await server.start();
    const logger = mockServices.logger.mock();
    const machines = server.simulator
      .snapshot()
      .map(({ site, line, machine }) => ({ site, line, machine }));
    const ingestor = new OpcUaIngestor({
      endpointUrl: url,
      machines,
      writer: new RollupWriter(pool, raw => parseTelemetryEvent(raw)),
      logger,
      samplingIntervalMs: 100,
      publishingIntervalMs: 100,
      flushIntervalMs: 50,
      reconnect: { initialDelayMs: 200, maxDelayMs: 2000 },
    });
    expect(ingestor.source).toBe(`opcua:${url}`);

    /** Advances server and shadow by `seconds`, in steps no state change can hide in. */
    const run = async (seconds: number) => {
      const from = server.simulator.now.getTime();
      const planned = planSteps(
        shadow.advance(seconds),
        from,
        from + seconds * 1000,
      );
      for (const ms of planned) {
        const events = server.advance(ms / 1000);
        // The precondition, checked on what the server really published.
        const changes = events.filter(e => e.type === 'machineState');
        expect(new Set(changes.map(machineKey)).size).toBe(changes.length);
        await settled(history);
      }
      expect(server.simulator.snapshot()).toEqual(shadow.snapshot());
    };

    try {
      await ingestor.start();
      await waitUntil('the first connection', 20_000, () => ingestor.connected);
      await settled(history);

      // The first hour: a fault and a counter reset at 08:55 local (not at
      // the 09:00 break, whose state change has the same source time).
      await run(25 * 60);
      for (const sim of [server, shadow] as const) {
        sim.injectFault('ms5-plant-berlin', 'line-1', 'filler', 600);
        sim.resetCounters('ms5-plant-berlin', 'line-2');
      }
      shadow.advance(0);
      await settled(history);
      await run(35 * 60);
      expect(server.simulator.now.getTime()).toBe(T0 + 60 * MIN);
      const hour = await expectRollupsToMatch(history);
      // A real hour of a plant: 11 machines in shift, with a break.
      expect(hour.produced).toBeGreaterThan(30_000);
      expect(hour.executing).toBeGreaterThan(5 * 3600);
      const states = new Set(
        history.flatMap(e => (e.type === 'machineState' ? [e.state] : [])),
      );
      expect([...states]).toEqual(
        expect.arrayContaining([
          'Executing',
          'Idle',
          'OutOfService',
          'PlannedDowntime',
          'NoShift',
        ]),
      );
      const andon = await pool.query(
        `SELECT action, colour FROM plant_andon_event WHERE machine = 'filler' AND line = 'line-1' ORDER BY at`,
      );
      // Cleared at 09:05 local, inside the break: the stack light is blue.
      expect(andon.rows).toEqual([
        { action: 'raised', colour: 'red' },
        { action: 'cleared', colour: 'blue' },
      ]);
      expect(ingestor.counters).toMatchObject({
        invalid: 0,
        reconnects: 0,
        dropped: 0,
        writeFailures: 0,
      });

      // Server restart on the same port; the plant stands still meanwhile.
      await server.stop();
      await waitUntil(
        'the ingestor to notice',
        20_000,
        () => !ingestor.connected,
      );
      const before = ingestor.counters;
      await server.start();
      expect(server.endpointUrl).toBe(url);
      await waitUntil(
        'the reconnection',
        30_000,
        () => ingestor.connected && ingestor.counters.reconnects >= 1,
      );
      // The values re-sent on the new subscription arrive, and change nothing.
      await waitUntil(
        'the re-sent values',
        10_000,
        () => ingestor.counters.received >= before.received + 18 * 8,
      );
      await ingestor.flush();
      await expectRollupsToMatch(history);

      await run(30 * 60);
      const total = await expectRollupsToMatch(history);
      expect(total.produced).toBeGreaterThan(hour.produced);
      expect(ingestor.counters).toMatchObject({ invalid: 0, dropped: 0 });
      // At least every state change went through the writer.
      const transitions = [...expectedFrom(history).values()].reduce(
        (n, x) => n + x.transitions,
        0,
      );
      expect(ingestor.counters.forwarded).toBeGreaterThan(transitions);
      const dead = await pool.query('SELECT reason FROM plant_dead_letter');
      expect(dead.rows).toEqual([]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/connection lost/),
      );
    } finally {
      await ingestor.stop();
      await server.stop();
    }
    expect(ingestor.connected).toBe(false);
  }, 240_000);

  it('waits for a server that is not up yet, over SignAndEncrypt, reports bad nodes and invalid values, and stops while the server is down', async () => {
    const server = new PlantOpcUaServer({
      tickMs: 0,
      securityModes: ['SignAndEncrypt'],
      simulation: { seed: 3, startTime: START },
    });
    const history: PlantEvent[] = [];
    server.onEvents(events => history.push(...events));
    const url = await server.start();
    await server.stop(); // now nobody listens on the port
    const [site, line] = ['ms5-plant-berlin', 'line-1'];
    const logger = mockServices.logger.mock();
    const ingestor = new OpcUaIngestor({
      endpointUrl: url,
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Basic256Sha256',
      machines: [
        { site, line, machine: 'filler' },
        // State wired to the stack light colour: not a machine state.
        {
          site,
          line,
          machine: 'capper',
          nodes: {
            ...defaultNodeMap(site, line, 'capper'),
            state: defaultNodeMap(site, line, 'capper').andonColour,
          },
        },
        // A NodeId the server does not have.
        {
          site,
          line,
          machine: 'labeler',
          nodes: {
            ...defaultNodeMap(site, line, 'labeler'),
            state: 'ns=1;s=no.such.State',
          },
        },
      ],
      writer: new RollupWriter(pool, raw => parseTelemetryEvent(raw)),
      logger,
      flushIntervalMs: 50,
      reconnect: { initialDelayMs: 200, maxDelayMs: 1000 },
    });
    try {
      await ingestor.start();
      await new Promise(r => setTimeout(r, 1500));
      expect(ingestor.connected).toBe(false);

      await server.start();
      await waitUntil('the connection', 30_000, () => ingestor.connected);
      server.advance(600);
      const published = expectedFrom(history);
      const filler = published.get(`${site}/${line}/filler`)!;
      await waitUntil(
        'the filler counters',
        10_000,
        async () =>
          Number((await machineRows()).get(`${site}/${line}/filler`)?.total) ===
          filler.counters.total,
      );
      const rows = await machineRows();
      expect(rows.get(`${site}/${line}/filler`)?.state).toBe(filler.state);
      // The capper's counters still arrive; its "states" do not.
      expect(Number(rows.get(`${site}/${line}/capper`)?.total)).toBe(
        published.get(`${site}/${line}/capper`)!.counters.total,
      );
      expect(rows.get(`${site}/${line}/capper`)?.state).toBeNull();
      expect(rows.get(`${site}/${line}/labeler`)?.state).toBeNull();
      expect(ingestor.counters.invalid).toBeGreaterThanOrEqual(1);
      // The first connection is not a reconnect.
      expect(ingestor.counters.reconnects).toBe(0);
      const warnings = logger.warn.mock.calls.map(c => String(c[0]));
      expect(warnings).toContainEqual(
        expect.stringMatching(
          /skipped an invalid machineState event of ms5-plant-berlin\/line-1\/capper.*state: must be one of Executing/,
        ),
      );
      expect(warnings).toContainEqual(
        expect.stringMatching(
          /machines\[2\]\.nodes\.state \(ns=1;s=no\.such\.State\) of ms5-plant-berlin\/line-1\/labeler: not monitored: BadNodeIdUnknown; check the node map/,
        ),
      );
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringMatching(
          /subscribed to 23 of 24 variables .*SignAndEncrypt, Basic256Sha256/,
        ),
      );

      // Stopping while the server is gone must not wait for it to return.
      await server.stop();
      await waitUntil('the loss', 20_000, () => !ingestor.connected);
      const t = Date.now();
      await ingestor.stop();
      expect(Date.now() - t).toBeLessThan(3000);
    } finally {
      await ingestor.stop();
      await server.stop();
    }
  }, 60_000);

  it('keeps retrying a rejected login without ever logging the password', async () => {
    const server = new PlantOpcUaServer({
      tickMs: 0,
      simulation: { seed: 1, startTime: START },
    });
    const url = await server.start();
    const logger = mockServices.logger.mock();
    const password = 'S3cret-Pa55word';
    const ingestor = new OpcUaIngestor({
      endpointUrl: url,
      userName: 'plant-reader',
      password,
      machines: [
        { site: 'ms5-plant-berlin', line: 'line-1', machine: 'filler' },
      ],
      writer: new RollupWriter(pool, raw => parseTelemetryEvent(raw)),
      logger,
      reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
    });
    try {
      await ingestor.start();
      // The simulator accepts anonymous logins only: each attempt fails.
      await waitUntil(
        'two failed attempts',
        20_000,
        () =>
          logger.warn.mock.calls.filter(c =>
            /could not connect and subscribe/.test(String(c[0])),
          ).length >= 2,
      );
      expect(ingestor.connected).toBe(false);
    } finally {
      await ingestor.stop();
      await server.stop();
    }
    const logged = JSON.stringify(
      (['debug', 'info', 'warn', 'error'] as const).flatMap(
        level => logger[level].mock.calls,
      ),
    );
    expect(logged).toContain(url);
    expect(logged).not.toContain(password);
  }, 60_000);

  it('stops promptly while still trying to reach a server that is down', async () => {
    const logger = mockServices.logger.mock();
    const ingestor = new OpcUaIngestor({
      endpointUrl: 'opc.tcp://127.0.0.1:9', // discard port: nothing answers OPC UA
      machines: [{ site: 's', line: 'l', machine: 'm' }],
      writer: { applyEvents: jest.fn() },
      logger,
      reconnect: { initialDelayMs: 100, maxDelayMs: 200 },
    });
    await ingestor.start();
    await new Promise(r => setTimeout(r, 800));
    const t = Date.now();
    await ingestor.stop();
    expect(Date.now() - t).toBeLessThan(5000);
    expect(ingestor.connected).toBe(false);
    expect(ingestor.counters.received).toBe(0);
  });
});

describe('OpcUaIngestor options', () => {
  const base = {
    endpointUrl: 'opc.tcp://plc-1.example:4840',
    machines: [{ site: 's', line: 'l', machine: 'm' }],
    writer: { applyEvents: jest.fn() },
    logger: mockServices.logger.mock(),
  };

  it('maps a machine to the simulator address space by default', () => {
    expect(defaultNodeMap('s', 'l', 'm')).toEqual({
      state: 'ns=1;s=s.l.m.State',
      totalCount: 'ns=1;s=s.l.m.TotalCount',
      goodCount: 'ns=1;s=s.l.m.GoodCount',
      rejectCount: 'ns=1;s=s.l.m.RejectCount',
      idealCycleTime: 'ns=1;s=s.l.m.IdealCycleTime',
      product: 'ns=1;s=s.l.m.Product',
      andonActive: 'ns=1;s=s.l.m.AndonActive',
      andonColour: 'ns=1;s=s.l.m.AndonColour',
    });
  });

  it('uses the endpoint URL as the source key, and refuses credentials in it', () => {
    expect(new OpcUaIngestor(base).source).toBe(
      'opcua:opc.tcp://plc-1.example:4840',
    );
    const withCredentials = () =>
      new OpcUaIngestor({
        ...base,
        endpointUrl: 'opc.tcp://reader:hunter2@plc-1.example:4840/UA',
      });
    expect(withCredentials).toThrow(
      /endpointUrl: must not contain credentials \(user:password@\); use the userName and password options/,
    );
    const message = (() => {
      try {
        return String(withCredentials());
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).not.toContain('hunter2');
  });

  it.each([
    [
      { endpointUrl: 'http://plc-1:4840' },
      /endpointUrl: must be an OPC UA URL like opc\.tcp:\/\//,
    ],
    [{ machines: [] }, /machines: list at least one machine/],
    [
      { machines: [{ site: 's', line: '', machine: 'm' }] },
      /machines\[0\]\.line: required non-empty string/,
    ],
    [
      { machines: [base.machines[0], base.machines[0]] },
      /machines\[1\]: s\/l\/m is listed twice/,
    ],
    [
      {
        machines: [
          {
            site: 's',
            line: 'l',
            machine: 'm',
            nodes: {
              ...defaultNodeMap('s', 'l', 'm'),
              goodCount: 'Good Count',
            },
          },
        ],
      },
      /machines\[0\]\.nodes\.goodCount: "Good Count" is not a NodeId; write it like ns=1;s=/,
    ],
    [
      {
        machines: [
          {
            site: 's',
            line: 'l',
            machine: 'm',
            nodes: { ...defaultNodeMap('s', 'l', 'm'), state: '' },
          },
        ],
      },
      /machines\[0\]\.nodes\.state: required NodeId missing, e\.g\. ns=1;s=s\.l\.m\.State/,
    ],
    [
      { securityMode: 'Encrypt' },
      /securityMode: "Encrypt" is not one of None, Sign, SignAndEncrypt/,
    ],
    [
      { securityMode: 'Sign', securityPolicy: 'None' },
      /securityMode Sign needs a policy such as Basic256Sha256/,
    ],
    [
      { securityPolicy: 'Basic256Sha256' },
      /Basic256Sha256 needs securityMode Sign or SignAndEncrypt/,
    ],
    [
      { securityMode: 'Sign', securityPolicy: 'Basic128Rsa15' },
      /securityPolicy: "Basic128Rsa15" is not one of None, Basic256Sha256/,
    ],
    [{ password: 'x' }, /userName: required when a password is given/],
    [
      { samplingIntervalMs: 0 },
      /samplingIntervalMs: must be a number > 0, got 0/,
    ],
  ] as [Record<string, unknown>, RegExp][])(
    'rejects %j, naming the field and the fix',
    (override, message) => {
      expect(() => new OpcUaIngestor({ ...base, ...override } as any)).toThrow(
        message,
      );
    },
  );

  it('never puts the password in a configuration error', () => {
    expect(
      () =>
        new OpcUaIngestor({
          ...base,
          password: 'hunter2',
          securityMode: 'Bogus' as any,
        }),
    ).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('hunter2'),
      }),
    );
  });
});

function pick<T extends object>(got: Record<string, unknown>, like: T) {
  return Object.fromEntries(Object.keys(like).map(k => [k, got[k]])) as T;
}
