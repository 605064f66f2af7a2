import type { Entity } from '@backstage/catalog-model';
import { isSiteEntity, OpcUaConnector, plannedShiftAt, SiteEntity } from '@plantops/backstage-plugin-plant-common';
import {
  AttributeIds,
  ClientSession,
  MessageSecurityMode,
  OPCUAClient,
  OPCUAClientOptions,
  SecurityPolicy,
  ServerState,
  VariableIds,
} from 'node-opcua-client';
import type { HealthStatus } from '@plantops/backstage-plugin-plant-common';
import { worstStatus } from '@plantops/backstage-plugin-plant-common';
import { firstLine } from '@plantops/backstage-plugin-plant-node';
import type { Probe, ProbeResult } from './types';

/** Where to probe a connector instead of its endpointUrl (the demo plant's in-process servers). */
export interface OpcUaStandIn {
  url: string;
  /** Said in the probe's message, e.g. "the demo plant's in-process server". */
  note: string;
}

export interface OpcUaProbeOptions {
  /** When the site's telemetry last changed (the ingestion store); undefined when unknown. */
  lastDataChange?: (siteName: string) => Promise<Date | undefined>;
  /** No data change for longer than this is degraded; default 300 s. */
  maxDataAgeSeconds?: number;
  /** Server clock off by more than this is degraded; default 60 s. */
  maxClockSkewSeconds?: number;
  clientCertificateManager?: OPCUAClientOptions['clientCertificateManager'];
  /** A stand-in endpoint for a connector, or undefined to probe its endpointUrl. */
  standIn?: (site: SiteEntity, connector: OpcUaConnector) => Promise<OpcUaStandIn | undefined>;
  /** Runs at once; default 32 (a first connect costs a few ms of CPU, later sweeps only a read). */
  concurrency?: number;
}

interface ConnectorResult {
  status: HealthStatus;
  message: string;
}

interface Connection {
  session: ClientSession;
  /** Closes session and client, once however often it is called. */
  close: () => Promise<void>;
}

/** How long a connect (secure channel and session) may take, across sweeps. */
const CONNECT_MS = 30_000;

const STATUS_NODES = [
  { nodeId: `ns=0;i=${VariableIds.Server_ServerStatus_State}`, attributeId: AttributeIds.Value },
  { nodeId: `ns=0;i=${VariableIds.Server_ServerStatus_CurrentTime}`, attributeId: AttributeIds.Value },
];

/**
 * The OPC UA connectors of a Site: read ServerStatus State and CurrentTime
 * with the declared security; and the age of the site's last data change
 * from the telemetry store. Unreachable or not Running is down.
 *
 * One client and session per endpoint is kept across sweeps (a connect with
 * its secure channel and session costs far more CPU than the read); a failed
 * read drops it and connects once more, so a restarted server is not
 * reported down.
 */
export class OpcUaProbe implements Probe {
  readonly name = 'opcua';
  readonly timeoutStatus = 'down' as const;
  readonly concurrency: number;
  private readonly connections = new Map<string, Promise<Connection>>();

  constructor(private readonly options: OpcUaProbeOptions = {}) {
    this.concurrency = options.concurrency ?? 32;
  }

  appliesTo(entity: Entity) {
    return isSiteEntity(entity) && (entity.spec.connectors?.opcua?.length ?? 0) > 0;
  }

  async run(entity: Entity, signal: AbortSignal): Promise<ProbeResult> {
    if (!isSiteEntity(entity)) throw new Error('not a Site');
    const connectors = entity.spec.connectors!.opcua!;
    const results = await Promise.all(connectors.map(c => this.checkConnector(entity, c, signal)));
    const details: ProbeResult['details'] = { connectors: connectors.length };
    const lines = results.map(r => r.message);
    let status = worstStatus(results.map(r => r.status));
    const last = await this.options.lastDataChange?.(entity.metadata.name).catch(() => undefined);
    if (last) {
      const now = Date.now();
      const ageS = Math.max(0, Math.round((now - last.getTime()) / 1000));
      const maxAge = this.options.maxDataAgeSeconds ?? 300;
      details.lastDataChangeAgeSeconds = ageS;
      // Machines are quiet between shifts: data goes stale only while a shift runs (counted from its start).
      const shift = shiftNow(entity, now);
      const staleS = shift === null ? ageS : Math.round((now - Math.max(last.getTime(), shift?.start ?? now)) / 1000);
      if (shift === undefined) {
        lines.push(`last data change ${ageS} s ago (no shift or a planned break now)`);
      } else if (staleS > maxAge) {
        lines.push(`no data change for ${ageS} s (over ${maxAge} s${shift ? ` in shift ${shift.label}` : ''})`);
        status = worstStatus([status, 'degraded']);
      } else {
        lines.push(`last data change ${ageS} s ago`);
      }
    } else if (this.options.lastDataChange) {
      details.lastDataChangeAgeSeconds = null;
      lines.push('no telemetry recorded for this site yet');
    }
    return { status, message: lines.join('; '), details };
  }

  /** Disconnects every kept session (backend shutdown). */
  async close() {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map(c => c.then(x => x.close()).catch(() => undefined)));
  }

  private async checkConnector(site: SiteEntity, c: OpcUaConnector, signal: AbortSignal): Promise<ConnectorResult> {
    let standIn: OpcUaStandIn | undefined;
    try {
      standIn = await this.options.standIn?.(site, c);
    } catch (e: any) {
      return { status: 'unknown', message: `${c.name}: the demo OPC UA server did not start: ${firstLine(e)}` };
    }
    const url = standIn?.url ?? c.endpointUrl;
    const where = standIn ? `${c.endpointUrl}, probed at ${standIn.note} ${url}` : c.endpointUrl;
    const r = await this.check(c, url, where, signal);
    if (r.status === 'ok' && standIn) return { ...r, message: `${r.message} (${standIn.note} standing in for ${c.endpointUrl})` };
    return r;
  }

  private async check(c: OpcUaConnector, url: string, where: string, signal: AbortSignal): Promise<ConnectorResult> {
    const key = `${url}|${c.securityMode}|${c.securityPolicy}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const reused = this.connections.has(key);
      let conn: Connection;
      try {
        // The probe gives up at its timeout, the connect goes on (up to CONNECT_MS): the next sweep uses it.
        conn = await withAbort(this.connection(key, c, url), signal);
      } catch (e: any) {
        return { status: 'down', message: `${c.name} (${where}): cannot connect: ${firstLine(e)}` };
      }
      let values;
      try {
        values = await withAbort(conn.session.read(STATUS_NODES), signal);
      } catch (e: any) {
        this.drop(key);
        // A kept session may have died with a server restart: connect once more.
        if (reused && !signal.aborted) continue;
        return { status: 'down', message: `${c.name} (${where}): ServerStatus not readable: ${firstLine(e)}` };
      }
      return this.judge(c, values);
    }
    return { status: 'down', message: `${c.name} (${where}): ServerStatus not readable after reconnecting` };
  }

  private judge(c: OpcUaConnector, [state, time]: { value: { value: unknown } }[]): ConnectorResult {
    const stateName = ServerState[state.value.value as number] ?? String(state.value.value);
    if (state.value.value !== ServerState.Running) {
      return { status: 'down', message: `${c.name}: server state ${stateName}, not Running` };
    }
    const serverTime = time.value.value as Date | null;
    const skewS = serverTime ? Math.abs(Date.now() - serverTime.getTime()) / 1000 : NaN;
    const maxSkew = this.options.maxClockSkewSeconds ?? 60;
    if (!(skewS <= maxSkew)) {
      return {
        status: 'degraded',
        message: `${c.name}: Running, but its clock is ${Number.isNaN(skewS) ? 'unreadable' : `${skewS.toFixed(0)} s off`}`,
      };
    }
    return { status: 'ok', message: `${c.name}: Running` };
  }

  private connection(key: string, c: OpcUaConnector, url: string): Promise<Connection> {
    let p = this.connections.get(key);
    if (!p) {
      p = this.connect(key, c, url);
      this.connections.set(key, p);
      p.catch(() => {
        if (this.connections.get(key) === p) this.connections.delete(key);
      });
    }
    return p;
  }

  private async connect(key: string, c: OpcUaConnector, url: string): Promise<Connection> {
    const client = OPCUAClient.create({
      // The ingestor's name: both share node-opcua's default client certificate, issued for it.
      applicationName: 'Plantops plant-backend',
      endpointMustExist: false,
      securityMode: MessageSecurityMode[c.securityMode],
      securityPolicy: SecurityPolicy[c.securityPolicy],
      clientCertificateManager: this.options.clientCertificateManager,
      // Kept across sweeps: the server must not end it between two of them.
      requestedSessionTimeout: 600_000,
      keepSessionAlive: true,
      // One try: the next sweep is the retry.
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    });
    let session: ClientSession | undefined;
    let closing: Promise<void> | undefined;
    // node-opcua warns about every second disconnect of a client: close once.
    const close = () =>
      (closing ??= (async () => {
        await session?.close().catch(() => undefined);
        await client.disconnect().catch(() => undefined);
      })());
    // A server that accepts but never answers must not hold a connect open for ever.
    const timer = setTimeout(() => void close(), CONNECT_MS);
    try {
      await client.connect(url);
      session = await client.createSession();
      // A lost connection is not retried by the client (maxRetry 0): forget it, the next sweep connects anew.
      const current = this.connections.get(key);
      const forget = () => {
        if (this.connections.get(key) === current) this.drop(key);
      };
      client.once('connection_lost', forget);
      client.once('close', forget);
      session.once('session_closed', forget);
      return { session, close };
    } catch (e) {
      await close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private drop(key: string) {
    const p = this.connections.get(key);
    this.connections.delete(key);
    p?.then(x => x.close()).catch(() => undefined);
  }
}

/** Rejects when `signal` aborts, so a read on a half-dead connection does not outlive the probe. */
function withAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The Site's shift running at `now`, outside its planned breaks; undefined
 * between shifts or in a break; null when the Site declares no shifts
 * (always judged).
 */
function shiftNow(site: SiteEntity, now: number) {
  const shifts = site.spec.shiftCalendar?.shifts ?? [];
  if (shifts.length === 0) return null;
  try {
    return plannedShiftAt(shifts, site.spec.timezone, now);
  } catch {
    return null;
  }
}
