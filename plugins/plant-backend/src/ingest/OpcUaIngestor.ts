import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ANDON_COLOURS,
  AndonColour,
  MachineState,
  parseTelemetryEvent,
  TelemetryEvent,
} from '@plantops/backstage-plugin-plant-common';
import {
  AttributeIds,
  ClientMonitoredItemBase,
  ClientMonitoredItemGroup,
  ClientSession,
  ClientSubscription,
  DataValue,
  MessageSecurityMode,
  OPCUAClient,
  OPCUAClientOptions,
  resolveNodeId,
  SecurityPolicy,
  TimestampsToReturn,
  UserIdentityInfo,
  UserTokenType,
} from 'node-opcua-client';
import type { BatchResult, RollupWriter } from './RollupWriter';

/** NodeIds (e.g. `ns=1;s=plant.line-1.filler.State`) of one machine's variables. */
export interface OpcUaNodeMap {
  /** String, one of the MachineState values (Executing, Idle, ...). */
  state: string;
  /** Cumulative part counters (any unsigned integer type). */
  totalCount: string;
  goodCount: string;
  rejectCount: string;
  /** Double, seconds per part. */
  idealCycleTime: string;
  /** String: the product id sent with each ideal cycle time ("unknown" without it). */
  product?: string;
  /** Boolean: an Andon call is open. */
  andonActive?: string;
  /** String: the stack light colour (red, yellow, green, blue, white). */
  andonColour?: string;
}

export interface OpcUaMachine {
  site: string;
  line: string;
  machine: string;
  /** Default: {@link defaultNodeMap} (the plant simulator's address space). */
  nodes?: OpcUaNodeMap;
}

export type OpcUaSecurityMode = 'None' | 'Sign' | 'SignAndEncrypt';
export type OpcUaSecurityPolicy =
  | 'None'
  | 'Basic256Sha256'
  | 'Aes128_Sha256_RsaOaep'
  | 'Aes256_Sha256_RsaPss';

export interface OpcUaIngestorOptions {
  /** `opc.tcp://host:port[/path]` */
  endpointUrl: string;
  machines: OpcUaMachine[];
  writer: Pick<RollupWriter, 'applyEvents'>;
  logger: LoggerService;
  /** Default None. */
  securityMode?: OpcUaSecurityMode;
  /** Default Basic256Sha256 when signing, None otherwise. */
  securityPolicy?: OpcUaSecurityPolicy;
  /** User name login; anonymous when absent. The password is never logged. */
  userName?: string;
  password?: string;
  /** Client PKI for Sign modes; default node-opcua's per-user store. */
  clientCertificateManager?: OPCUAClientOptions['clientCertificateManager'];
  /** Requested sampling interval, ms (default 100). See the class comment. */
  samplingIntervalMs?: number;
  /** Requested publishing interval, ms (default 100). */
  publishingIntervalMs?: number;
  /** Values the server may queue per item between publishes (default 10). */
  queueSize?: number;
  /** Events are handed to the writer at least this often, ms (default 200). */
  flushIntervalMs?: number;
  /** ...or as soon as this many are waiting (default 500). */
  maxBatchSize?: number;
  /** Events kept while the database is unreachable; beyond, the oldest go (default 100000). */
  maxQueuedEvents?: number;
  /** Reconnect backoff (node-opcua connectionStrategy), ms. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * Called with each committed write, as KafkaIngestor's onBatch: the plugin
   * feeds its ingestion metrics and live updates from it.
   */
  onBatch?: (result: BatchResult) => void;
}

export interface OpcUaIngestorCounters {
  /** DataValues received from the server (initial values included). */
  received: number;
  /** Events the writer committed (duplicates it skipped included). */
  forwarded: number;
  /** Events that failed parseTelemetryEvent: logged, never written. */
  invalid: number;
  /** Times the data flow came back after a lost connection or session. */
  reconnects: number;
  /** Events dropped because the queue was full (database down too long). */
  dropped: number;
  /** Failed writer calls (retried with backoff). */
  writeFailures: number;
}

type Variable = keyof OpcUaNodeMap;
const VARIABLES: Variable[] = [
  'state',
  'totalCount',
  'goodCount',
  'rejectCount',
  'idealCycleTime',
  'product',
  'andonActive',
  'andonColour',
];
const REQUIRED: Variable[] = [
  'state',
  'totalCount',
  'goodCount',
  'rejectCount',
  'idealCycleTime',
];
const NODE_SUFFIX: Record<Variable, string> = {
  state: 'State',
  totalCount: 'TotalCount',
  goodCount: 'GoodCount',
  rejectCount: 'RejectCount',
  idealCycleTime: 'IdealCycleTime',
  product: 'Product',
  andonActive: 'AndonActive',
  andonColour: 'AndonColour',
};
const POLICIES: OpcUaSecurityPolicy[] = [
  'None',
  'Basic256Sha256',
  'Aes128_Sha256_RsaOaep',
  'Aes256_Sha256_RsaPss',
];
const UNKNOWN_PRODUCT = 'unknown';

/**
 * The plant simulator's scheme: `ns=<ns>;s=<site>.<line>.<machine>.<Var>`,
 * with every variable mapped.
 */
export function defaultNodeMap(
  site: string,
  line: string,
  machine: string,
  namespaceIndex = 1,
): Required<OpcUaNodeMap> {
  const map = {} as Required<OpcUaNodeMap>;
  for (const v of VARIABLES) {
    map[
      v
    ] = `ns=${namespaceIndex};s=${site}.${line}.${machine}.${NODE_SUFFIX[v]}`;
  }
  return map;
}

interface Values {
  state?: string;
  totalCount?: number;
  goodCount?: number;
  rejectCount?: number;
  idealCycleTime?: number;
  product?: string;
  andonActive?: boolean;
  andonColour?: string;
}

interface Change {
  index: number;
  value: unknown;
  at: number;
}

interface Tracked {
  site: string;
  line: string;
  machine: string;
  values: Values;
  pending: Change[];
  /** Last counters event: `sourceAt` from the server, `at` as sent (see emitFor). */
  lastCounters?: {
    sourceAt: number;
    at: number;
    total: number;
    good: number;
    reject: number;
  };
  /** Last AndonActive seen; kept across reconnects so a re-sent value is no edge. */
  andon?: boolean;
}

interface Item {
  machine: Tracked;
  variable: Variable;
  nodeId: string;
  field: string;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** UInt64/Int64 arrive as [high, low] words; every other integer as a number. */
function toCount(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every(v => typeof v === 'number')
  ) {
    return value[0] * 2 ** 32 + value[1];
  }
  return undefined;
}

function convert(variable: Variable, value: unknown): unknown {
  switch (variable) {
    case 'totalCount':
    case 'goodCount':
    case 'rejectCount':
      return toCount(value);
    case 'idealCycleTime':
      return typeof value === 'number' ? value : undefined;
    case 'andonActive':
      return typeof value === 'boolean' ? value : undefined;
    default:
      if (typeof value === 'string') return value;
      // LocalizedText (e.g. a state machine's CurrentState)
      if (value && typeof (value as { text?: unknown }).text === 'string') {
        return (value as { text: string }).text;
      }
      return undefined;
  }
}

/**
 * Subscribes to the machine variables of one OPC UA server and feeds them,
 * as official telemetry events, to the rollups.
 *
 * - State changes become `machineState`; a change of Total/Good/Reject
 *   becomes one `counters` event with the latest three values; a change of
 *   IdealCycleTime or Product becomes `idealCycleTime`; an AndonActive edge
 *   becomes `andon` raised/cleared (station = machine). Event times are the
 *   server's source timestamps, so durations are exact whatever the sampling.
 * - OPC UA reports the value current at each sample: a state that starts and
 *   ends between two samples (shorter than the revised sampling interval,
 *   or two changes inside one interval) is never seen, and its time is
 *   counted in the state before it. Counters are cumulative, so a missed
 *   reading loses nothing unless a counter reset follows before the next.
 * - Reconnects: node-opcua's connectionStrategy (exponential backoff)
 *   re-opens the channel and recreates the session and subscription after a
 *   server restart; anything it cannot repair is rebuilt from scratch here,
 *   with the same backoff. Values re-sent after a reconnect carry their old
 *   source timestamps, and the writer skips them as duplicates.
 */
export class OpcUaIngestor {
  readonly source: string;
  private readonly o: OpcUaIngestorOptions;
  private readonly logger: LoggerService;
  private readonly machines: Tracked[];
  private readonly items: Item[];
  private readonly endpoint: string;
  private readonly securityMode: OpcUaSecurityMode;
  private readonly securityPolicy: OpcUaSecurityPolicy;
  private readonly stats: OpcUaIngestorCounters = {
    received: 0,
    forwarded: 0,
    invalid: 0,
    reconnects: 0,
    dropped: 0,
    writeFailures: 0,
  };

  private running = false;
  private isConnected = false;
  private everConnected = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private client?: OPCUAClient;
  private session?: ClientSession;
  private subscription?: ClientSubscription;
  private broken?: () => void;

  private processScheduled = false;
  private queue: TelemetryEvent[] = [];
  private flushTimer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private writeBackoffUntil = 0;
  private consecutiveWriteFailures = 0;
  private warnedItems = new Set<number>();

  constructor(options: OpcUaIngestorOptions) {
    this.o = options;
    this.logger = options.logger;
    const { mode, policy } = validate(options);
    this.securityMode = mode;
    this.securityPolicy = policy;
    this.endpoint = options.endpointUrl;
    this.source = `opcua:${this.endpoint}`;
    this.machines = [];
    this.items = [];
    options.machines.forEach((m, i) => {
      const tracked: Tracked = {
        site: m.site,
        line: m.line,
        machine: m.machine,
        values: {},
        pending: [],
      };
      this.machines.push(tracked);
      const nodes: OpcUaNodeMap =
        m.nodes ?? defaultNodeMap(m.site, m.line, m.machine);
      for (const variable of VARIABLES) {
        const nodeId = nodes[variable];
        if (!nodeId) continue;
        this.items.push({
          machine: tracked,
          variable,
          nodeId,
          field: `machines[${i}].nodes.${variable}`,
        });
      }
    });
  }

  /** True while a session with a live subscription is up. */
  get connected(): boolean {
    return this.isConnected;
  }

  /** A snapshot of the counters. */
  get counters(): OpcUaIngestorCounters {
    return { ...this.stats };
  }

  /**
   * Starts connecting in the background and returns at once: an unreachable
   * server is retried with backoff, never thrown. Watch `connected`.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.flushTimer = setInterval(
      () => void this.flush(),
      this.o.flushIntervalMs ?? 200,
    );
    this.loop = this.run();
  }

  /** Disconnects, then hands every event still queued to the writer. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    this.broken?.();
    await this.teardown();
    await this.loop;
    clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    this.processPending();
    this.writeBackoffUntil = 0;
    await this.flush();
    if (this.queue.length > 0) {
      this.logger.warn(
        `OPC UA ${this.endpoint}: stopped with ${this.queue.length} events not written (the writer keeps failing)`,
      );
    }
  }

  /** Hands queued events to the writer now; resolves when it is done. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0 || Date.now() < this.writeBackoffUntil) return;
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  // --- connection -------------------------------------------------------

  private async run(): Promise<void> {
    let attempt = 0;
    while (this.running) {
      let failed = false;
      try {
        await this.connect();
        attempt = 0;
        // Until node-opcua gives up on the session or stop() is called.
        if (this.running) {
          await new Promise<void>(resolve => {
            this.broken = resolve;
          });
        }
      } catch (e) {
        failed = true;
        if (this.running) {
          this.logger.warn(
            `OPC UA ${
              this.endpoint
            }: could not connect and subscribe: ${errorText(e)}`,
          );
        }
      }
      this.broken = undefined;
      await this.teardown();
      if (!this.running) break;
      const delay = this.backoff(failed ? attempt++ : 0);
      this.logger.info(`OPC UA ${this.endpoint}: reconnecting in ${delay} ms`);
      await new Promise<void>(resolve => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private backoff(attempt: number): number {
    const initial = this.o.reconnect?.initialDelayMs ?? 1000;
    const max = this.o.reconnect?.maxDelayMs ?? 30_000;
    return Math.min(max, initial * 2 ** Math.min(attempt, 20));
  }

  private async connect(): Promise<void> {
    const client = OPCUAClient.create({
      applicationName: 'Plantops plant-backend',
      endpointMustExist: false,
      securityMode: MessageSecurityMode[this.securityMode],
      securityPolicy: SecurityPolicy[this.securityPolicy],
      clientCertificateManager: this.o.clientCertificateManager,
      requestedSessionTimeout: 60_000,
      connectionStrategy: {
        initialDelay: this.o.reconnect?.initialDelayMs ?? 1000,
        maxDelay: this.o.reconnect?.maxDelayMs ?? 30_000,
        maxRetry: -1, // forever: a plant server may be down for hours
        randomisationFactor: 0.1,
      },
    });
    this.client = client;
    client.on('backoff', (retry: number, delay: number) =>
      this.logger.debug(
        `OPC UA ${this.endpoint}: connect attempt ${retry} failed, next in ${delay} ms`,
      ),
    );
    client.on('connection_lost', () => {
      if (!this.running) return;
      this.isConnected = false;
      this.logger.warn(
        `OPC UA ${this.endpoint}: connection lost, reconnecting with backoff`,
      );
    });
    client.on('connection_reestablished', () => {
      if (!this.running || !this.subscription) return;
      this.isConnected = true;
      this.stats.reconnects++;
      this.logger.info(
        `OPC UA ${this.endpoint}: reconnected; session and subscription restored`,
      );
    });

    await client.connect(this.o.endpointUrl);
    if (!this.running) return;
    const identity: UserIdentityInfo = this.o.userName
      ? {
          type: UserTokenType.UserName,
          userName: this.o.userName,
          password: this.o.password ?? '',
        }
      : { type: UserTokenType.Anonymous };
    const session = await client.createSession(identity);
    this.session = session;
    session.on('session_closed', () => this.lost('the session was closed'));
    session.on('session_repaired_failed', () =>
      this.lost('the session could not be restored'),
    );

    const subscription = await session.createSubscription2({
      requestedPublishingInterval: this.o.publishingIntervalMs ?? 100,
      requestedLifetimeCount: 600,
      requestedMaxKeepAliveCount: 20,
      // 0 = as many as the server allows: a split message could separate
      // Total from Good of one reading.
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 10,
    });
    this.subscription = subscription;
    subscription.on('terminated', () =>
      this.lost('the server terminated the subscription'),
    );

    const group: ClientMonitoredItemGroup = await subscription.monitorItems(
      this.items.map(i => ({
        nodeId: i.nodeId,
        attributeId: AttributeIds.Value,
      })),
      {
        samplingInterval: this.o.samplingIntervalMs ?? 100,
        queueSize: this.o.queueSize ?? 10,
        discardOldest: true,
      },
      TimestampsToReturn.Both,
    );
    group.on(
      'changed',
      (_item: ClientMonitoredItemBase, value: DataValue, index: number) =>
        this.onValue(index, value),
    );
    let bad = 0;
    let sampling = 0;
    group.monitoredItems.forEach((mi, index) => {
      if (mi.statusCode.isGood()) {
        sampling = Math.max(sampling, mi.result?.revisedSamplingInterval ?? 0);
        return;
      }
      bad++;
      this.warnItem(index, `not monitored: ${mi.statusCode.name}`);
    });
    if (!this.running) return;
    this.isConnected = true;
    if (this.everConnected) this.stats.reconnects++;
    this.everConnected = true;
    this.logger.info(
      `OPC UA ${this.endpoint}: subscribed to ${this.items.length - bad} of ${
        this.items.length
      } variables of ${this.machines.length} machines (${this.securityMode}, ${
        this.securityPolicy
      }; sampling every ${sampling} ms, publishing every ${
        subscription.publishingInterval
      } ms)`,
    );
  }

  private lost(why: string) {
    if (!this.running || !this.broken) return;
    this.isConnected = false;
    this.logger.warn(`OPC UA ${this.endpoint}: ${why}; starting over`);
    this.broken();
  }

  private async teardown(): Promise<void> {
    const { client, session, subscription } = this;
    const wasConnected = this.isConnected;
    this.client = this.session = this.subscription = undefined;
    this.isConnected = false;
    subscription?.removeAllListeners('terminated');
    session?.removeAllListeners('session_closed');
    session?.removeAllListeners('session_repaired_failed');
    // Polite goodbyes only to a server that answers: on a lost connection
    // they would wait for the reconnection. disconnect() cancels that too.
    if (wasConnected) {
      if (subscription) await bounded(subscription.terminate());
      if (session) await bounded(session.close());
    }
    if (client) await bounded(client.disconnect());
  }

  // --- values to events -------------------------------------------------

  private warnItem(index: number, problem: string) {
    if (this.warnedItems.has(index)) return;
    this.warnedItems.add(index);
    const item = this.items[index];
    this.logger.warn(
      `OPC UA ${this.endpoint}: ${item.field} (${item.nodeId}) of ${item.machine.site}/${item.machine.line}/${item.machine.machine}: ${problem}; check the node map`,
    );
  }

  private onValue(index: number, dv: DataValue) {
    this.stats.received++;
    const item = this.items[index];
    if (!item) return;
    if (!dv.statusCode.isGood()) {
      this.warnItem(index, `status ${dv.statusCode.name}`);
      return;
    }
    const at = (
      dv.sourceTimestamp ??
      dv.serverTimestamp ??
      new Date()
    ).getTime();
    item.machine.pending.push({
      index,
      value: convert(item.variable, dv.value?.value),
      at,
    });
    // One publish response delivers its values synchronously; handling them
    // together keeps Total, Good and Reject of one reading in one event.
    if (!this.processScheduled) {
      this.processScheduled = true;
      queueMicrotask(() => this.processPending());
    }
  }

  private processPending() {
    this.processScheduled = false;
    for (const m of this.machines) {
      if (m.pending.length === 0) continue;
      const changes = m.pending.sort((a, b) => a.at - b.at); // stable
      m.pending = [];
      let i = 0;
      while (i < changes.length) {
        const at = changes[i].at;
        const changed = new Set<Variable>();
        for (; i < changes.length && changes[i].at === at; i++) {
          const c = changes[i];
          const { variable } = this.items[c.index];
          if (c.value === undefined) {
            this.warnItem(c.index, `a ${variable} value of unexpected type`);
            continue;
          }
          (m.values as Record<string, unknown>)[variable] = c.value;
          changed.add(variable);
        }
        this.emitFor(m, at, changed);
      }
    }
  }

  private emitFor(m: Tracked, at: number, changed: Set<Variable>) {
    const v = m.values;
    const base = {
      schemaVersion: 1 as const,
      site: m.site,
      line: m.line,
      machine: m.machine,
    };
    const ts = (ms: number) => new Date(ms).toISOString();

    if (
      (changed.has('totalCount') ||
        changed.has('goodCount') ||
        changed.has('rejectCount')) &&
      v.totalCount !== undefined &&
      v.goodCount !== undefined &&
      v.rejectCount !== undefined
    ) {
      const reading = {
        total: v.totalCount,
        good: v.goodCount,
        reject: v.rejectCount,
      };
      let when = at;
      const last = m.lastCounters;
      // The rest of a reading whose first part came in an earlier publish
      // (same source time): the writer skips a reading not newer than the
      // last, so move it 1 ms on. Counters are cumulative: nothing is
      // counted twice, and an unchanged re-sent reading stays a duplicate.
      if (
        last &&
        last.sourceAt === at &&
        (last.total !== reading.total ||
          last.good !== reading.good ||
          last.reject !== reading.reject)
      ) {
        when = last.at + 1;
      } else if (last && last.sourceAt === at) {
        when = last.at;
      }
      if (!last || when >= last.at) {
        m.lastCounters = { sourceAt: at, at: when, ...reading };
      }
      this.enqueue({
        ...base,
        type: 'counters',
        sourceTimestamp: ts(when),
        ...reading,
      });
    }
    if (changed.has('state') && v.state !== undefined) {
      this.enqueue({
        ...base,
        type: 'machineState',
        sourceTimestamp: ts(at),
        state: v.state as MachineState, // checked by parseTelemetryEvent
      });
    }
    if (
      (changed.has('idealCycleTime') || changed.has('product')) &&
      v.idealCycleTime !== undefined
    ) {
      this.enqueue({
        ...base,
        type: 'idealCycleTime',
        sourceTimestamp: ts(at),
        productId: v.product || UNKNOWN_PRODUCT,
        idealCycleTimeSeconds: v.idealCycleTime,
      });
    }
    if (changed.has('andonActive') && v.andonActive !== undefined) {
      const active = v.andonActive;
      const edge = m.andon === undefined ? active : active !== m.andon;
      m.andon = active;
      if (edge) {
        this.enqueue({
          ...base,
          type: 'andon',
          sourceTimestamp: ts(at),
          action: active ? 'raised' : 'cleared',
          reason: `AndonActive ${active ? 'set' : 'reset'} (machine state ${
            v.state ?? 'unknown'
          })`,
          station: m.machine,
          colour: andonColour(v.andonColour, active),
        });
      }
    }
  }

  private enqueue(event: unknown) {
    const parsed = parseTelemetryEvent(event);
    if (!parsed.ok) {
      this.stats.invalid++;
      // The first few in full, then a reminder now and then: a wrong node map
      // would otherwise flood the log.
      const n = this.stats.invalid;
      if (n <= 10 || n % 1000 === 0) {
        const e = event as {
          site: string;
          line: string;
          machine: string;
          type: string;
        };
        this.logger.warn(
          `OPC UA ${this.endpoint}: skipped an invalid ${e.type} event of ${e.site}/${e.line}/${e.machine} (${n} so far): ${parsed.reason}`,
        );
      }
      return;
    }
    this.queue.push(parsed.event);
    const max = this.o.maxQueuedEvents ?? 100_000;
    if (this.queue.length > max) {
      const excess = this.queue.length - max;
      this.queue.splice(0, excess);
      this.stats.dropped += excess;
      if (
        this.stats.dropped === excess ||
        this.stats.dropped % 10_000 < excess
      ) {
        this.logger.error(
          `OPC UA ${this.endpoint}: event queue full (${max}); dropped ${this.stats.dropped} oldest events so far: is the database reachable?`,
        );
      }
    }
    if (this.queue.length >= (this.o.maxBatchSize ?? 500) && !this.flushing) {
      void this.flush();
    }
  }

  private async drain(): Promise<void> {
    const size = this.o.maxBatchSize ?? 500;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, size);
      let result: BatchResult;
      try {
        result = await this.o.writer.applyEvents(this.source, batch);
      } catch (e) {
        this.stats.writeFailures++;
        this.consecutiveWriteFailures++;
        const wait = Math.min(
          30_000,
          (this.o.flushIntervalMs ?? 200) *
            2 ** Math.min(this.consecutiveWriteFailures, 10),
        );
        this.writeBackoffUntil = Date.now() + wait;
        this.logger.warn(
          `OPC UA ${this.endpoint}: writing ${
            batch.length
          } events failed, retrying in ${wait} ms: ${errorText(e)}`,
        );
        return;
      }
      this.consecutiveWriteFailures = 0;
      this.queue.splice(0, batch.length);
      this.stats.forwarded += batch.length;
      // Committed: a failing listener must not make the batch look unwritten.
      try {
        this.o.onBatch?.(result);
      } catch (e) {
        this.logger.warn(`OPC UA ${this.endpoint}: onBatch failed: ${errorText(e)}`);
      }
    }
  }
}

/** Waits for `p` at most `ms`; teardown must never hang on a dead server. */
async function bounded(p: Promise<unknown>, ms = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    p.catch(() => undefined),
    new Promise(resolve => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

function andonColour(node: string | undefined, active: boolean): AndonColour {
  const c = node?.toLowerCase();
  if (c && (ANDON_COLOURS as readonly string[]).includes(c)) {
    return c as AndonColour;
  }
  return active ? 'red' : 'green';
}

function validate(o: OpcUaIngestorOptions): {
  mode: OpcUaSecurityMode;
  policy: OpcUaSecurityPolicy;
} {
  const problems: string[] = [];
  if (
    typeof o.endpointUrl !== 'string' ||
    !/^opc\.tcp:\/\/[^/]+/i.test(o.endpointUrl)
  ) {
    problems.push(
      'endpointUrl: must be an OPC UA URL like opc.tcp://plc-1.example:4840',
    );
  } else if (/^opc\.tcp:\/\/[^/]*@/i.test(o.endpointUrl)) {
    // The URL ends up in logs and in the source key: keep secrets out of it.
    problems.push(
      'endpointUrl: must not contain credentials (user:password@); use the userName and password options',
    );
  }
  const mode = o.securityMode ?? 'None';
  if (!['None', 'Sign', 'SignAndEncrypt'].includes(mode)) {
    problems.push(
      `securityMode: ${JSON.stringify(
        mode,
      )} is not one of None, Sign, SignAndEncrypt`,
    );
  }
  const policy =
    o.securityPolicy ?? (mode === 'None' ? 'None' : 'Basic256Sha256');
  if (!POLICIES.includes(policy)) {
    problems.push(
      `securityPolicy: ${JSON.stringify(policy)} is not one of ${POLICIES.join(
        ', ',
      )}`,
    );
  } else if ((mode === 'None') !== (policy === 'None')) {
    problems.push(
      mode === 'None'
        ? `securityPolicy: ${policy} needs securityMode Sign or SignAndEncrypt`
        : `securityPolicy: securityMode ${mode} needs a policy such as Basic256Sha256, not None`,
    );
  }
  if (o.password !== undefined && !o.userName) {
    problems.push('userName: required when a password is given');
  }
  for (const key of [
    'samplingIntervalMs',
    'publishingIntervalMs',
    'flushIntervalMs',
    'maxBatchSize',
    'maxQueuedEvents',
    'queueSize',
  ] as const) {
    const n = o[key];
    if (n !== undefined && !(Number.isFinite(n) && n > 0)) {
      problems.push(`${key}: must be a number > 0, got ${JSON.stringify(n)}`);
    }
  }
  if (!Array.isArray(o.machines) || o.machines.length === 0) {
    problems.push('machines: list at least one machine (site, line, machine)');
  }
  const seen = new Set<string>();
  (o.machines ?? []).forEach((m, i) => {
    for (const f of ['site', 'line', 'machine'] as const) {
      if (typeof m?.[f] !== 'string' || m[f].length === 0) {
        problems.push(`machines[${i}].${f}: required non-empty string`);
      }
    }
    const key = `${m?.site}/${m?.line}/${m?.machine}`;
    if (seen.has(key)) {
      problems.push(
        `machines[${i}]: ${key} is listed twice; list each machine once`,
      );
    }
    seen.add(key);
    if (!m?.nodes) return;
    for (const v of REQUIRED) {
      if (!m.nodes[v]) {
        problems.push(
          `machines[${i}].nodes.${v}: required NodeId missing, e.g. ns=1;s=${m.site}.${m.line}.${m.machine}.${NODE_SUFFIX[v]}`,
        );
      }
    }
    for (const v of VARIABLES) {
      const id = m.nodes[v];
      if (!id) continue;
      try {
        resolveNodeId(id);
      } catch {
        problems.push(
          `machines[${i}].nodes.${v}: ${JSON.stringify(
            id,
          )} is not a NodeId; write it like ns=1;s=Plant.Line.Machine.${
            NODE_SUFFIX[v]
          } or ns=2;i=1234`,
        );
      }
    }
  });
  if (problems.length > 0) {
    throw new Error(`OpcUaIngestor: invalid options: ${problems.join('; ')}`);
  }
  return { mode, policy };
}
