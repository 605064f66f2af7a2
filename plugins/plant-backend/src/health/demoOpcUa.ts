import type { LoggerService } from '@backstage/backend-plugin-api';
import type { OpcUaConnector, SiteEntity } from '@plantops/backstage-plugin-plant-common';
import { PlantConfig, PlantOpcUaServer, SiteConfig } from '@plantops/plant-simulator';
import type { OpcUaStandIn } from './probes/opcuaProbe';

/**
 * The demo plant's OPC UA servers: with the embedded demo plant on, a Site's
 * connector (opc.tcp://plc1.local:4840 in the catalog) has no PLC behind it
 * on a laptop, so one real OPC UA server per connector runs in process on
 * loopback, with the connector's security mode, and the health probe reads
 * its ServerStatus there. Each starts on the first probe of its connector.
 * The server shows the site's lines and machines as the demo plant has
 * them; its values do not move (the demo's telemetry comes from the
 * embedded simulator, not from OPC UA).
 */
export class DemoOpcUaServers {
  private readonly servers = new Map<string, Promise<PlantOpcUaServer>>();

  constructor(
    private readonly deps: {
      logger: LoggerService;
      /** The demo plant's layout, from the catalog's Sites and ProductionLines. */
      plant: () => Promise<PlantConfig>;
    },
  ) {}

  /** The stand-in for a connector of a Site the demo plant simulates; undefined for other Sites. */
  standIn = async (site: SiteEntity, c: OpcUaConnector): Promise<OpcUaStandIn | undefined> => {
    const key = `${site.metadata.name}/${c.name}`;
    let p = this.servers.get(key);
    if (!p) {
      const demoSite = (await this.deps.plant()).sites.find(s => s.name === site.metadata.name);
      if (!demoSite) return undefined;
      p = this.start(demoSite, c);
      this.servers.set(key, p);
      p.catch(() => this.servers.delete(key));
    }
    const server = await p;
    return { url: server.endpointUrl, note: "the demo plant's in-process server" };
  };

  private async start(site: SiteConfig, c: OpcUaConnector): Promise<PlantOpcUaServer> {
    const server = new PlantOpcUaServer({
      host: '127.0.0.1',
      hostname: '127.0.0.1',
      securityModes: [c.securityMode],
      tickMs: 0,
      maxSessions: 10,
      simulation: { plant: { sites: [site] }, seed: 1, startTime: new Date().toISOString() },
    });
    const url = await server.start();
    this.deps.logger.info(`Demo plant: OPC UA server for ${site.name}/${c.name} (${c.endpointUrl}) at ${url}`);
    return server;
  }

  async stop() {
    const all = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(all.map(p => p.then(s => s.stop()).catch(() => undefined)));
  }
}
