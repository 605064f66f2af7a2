import type { Entity } from '@backstage/catalog-model';
import { isSiteEntity, OpcUaConnector } from '@plantops/backstage-plugin-plant-common';
import {
  AttributeIds,
  MessageSecurityMode,
  OPCUAClient,
  OPCUAClientOptions,
  SecurityPolicy,
  ServerState,
  VariableIds,
} from 'node-opcua-client';
import type { HealthStatus } from '@plantops/backstage-plugin-plant-common';
import { worstStatus } from '@plantops/backstage-plugin-plant-common';
import type { Probe, ProbeResult } from './types';

export interface OpcUaProbeOptions {
  /** When the site's telemetry last changed (the ingestion store); undefined when unknown. */
  lastDataChange?: (siteName: string) => Promise<Date | undefined>;
  /** No data change for longer than this is degraded; default 300 s. */
  maxDataAgeSeconds?: number;
  /** Server clock off by more than this is degraded; default 60 s. */
  maxClockSkewSeconds?: number;
  clientCertificateManager?: OPCUAClientOptions['clientCertificateManager'];
}

interface ConnectorResult {
  status: HealthStatus;
  message: string;
}

/**
 * The OPC UA connectors of a Site: connect with the declared security,
 * read ServerStatus State and CurrentTime; and the age of the site's last
 * data change from the telemetry store. Unreachable or not Running is down.
 */
export class OpcUaProbe implements Probe {
  readonly name = 'opcua';
  readonly timeoutStatus = 'down' as const;
  constructor(private readonly options: OpcUaProbeOptions = {}) {}

  appliesTo(entity: Entity) {
    return isSiteEntity(entity) && (entity.spec.connectors?.opcua?.length ?? 0) > 0;
  }

  async run(entity: Entity, signal: AbortSignal): Promise<ProbeResult> {
    if (!isSiteEntity(entity)) throw new Error('not a Site');
    const connectors = entity.spec.connectors!.opcua!;
    const results = await Promise.all(connectors.map(c => this.check(c, signal)));
    const details: ProbeResult['details'] = { connectors: connectors.length };
    const lines = results.map(r => r.message);
    let status = worstStatus(results.map(r => r.status));
    const last = await this.options.lastDataChange?.(entity.metadata.name).catch(() => undefined);
    if (last) {
      const ageS = Math.max(0, Math.round((Date.now() - last.getTime()) / 1000));
      const maxAge = this.options.maxDataAgeSeconds ?? 300;
      details.lastDataChangeAgeSeconds = ageS;
      if (ageS > maxAge) {
        lines.push(`no data change for ${ageS} s (over ${maxAge} s)`);
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

  private async check(c: OpcUaConnector, signal: AbortSignal): Promise<ConnectorResult> {
    const client = OPCUAClient.create({
      applicationName: 'Plantops health probe',
      endpointMustExist: false,
      securityMode: MessageSecurityMode[c.securityMode],
      securityPolicy: SecurityPolicy[c.securityPolicy],
      clientCertificateManager: this.options.clientCertificateManager,
      requestedSessionTimeout: 10_000,
      // One try: the next sweep is the retry.
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    });
    const abort = () => void client.disconnect().catch(() => undefined);
    signal.addEventListener('abort', abort, { once: true });
    try {
      try {
        await client.connect(c.endpointUrl);
      } catch (e: any) {
        return { status: 'down', message: `${c.name} (${c.endpointUrl}): cannot connect: ${firstLine(e.message)}` };
      }
      if (signal.aborted) return { status: 'down', message: `${c.name}: aborted` };
      const session = await client.createSession();
      try {
        const [state, time] = await session.read([
          { nodeId: `ns=0;i=${VariableIds.Server_ServerStatus_State}`, attributeId: AttributeIds.Value },
          { nodeId: `ns=0;i=${VariableIds.Server_ServerStatus_CurrentTime}`, attributeId: AttributeIds.Value },
        ]);
        const stateName = ServerState[state.value.value as number] ?? String(state.value.value);
        if (state.value.value !== ServerState.Running) {
          return { status: 'down', message: `${c.name}: server state ${stateName}, not Running` };
        }
        const serverTime = time.value.value as Date | null;
        const skewS = serverTime ? Math.abs(Date.now() - serverTime.getTime()) / 1000 : NaN;
        const maxSkew = this.options.maxClockSkewSeconds ?? 60;
        if (!(skewS <= maxSkew)) {
          return { status: 'degraded', message: `${c.name}: Running, but its clock is ${Number.isNaN(skewS) ? 'unreadable' : `${skewS.toFixed(0)} s off`}` };
        }
        return { status: 'ok', message: `${c.name}: Running` };
      } finally {
        await session.close().catch(() => undefined);
      }
    } finally {
      signal.removeEventListener('abort', abort);
      await client.disconnect().catch(() => undefined);
    }
  }
}

const firstLine = (s: string) => String(s ?? '').split('\n')[0];
