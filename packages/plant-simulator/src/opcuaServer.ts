import {
  DataType,
  MessageSecurityMode,
  SecurityPolicy,
  StatusCodes,
} from 'node-opcua-client';
import { OPCUAServer, OPCUAServerOptions } from 'node-opcua-server';
import { machineKey, PlantEvent } from './events';
import { MachineSnapshot, stacklightColour } from './machine';
import { SimulationClock } from './clock';
import { PlantSimulator, PlantSimulatorOptions } from './simulator';

export type SecurityModeName = 'None' | 'Sign' | 'SignAndEncrypt';

/** Variables under every machine folder, with their OPC UA data types. */
export const MACHINE_VARIABLES = {
  State: DataType.String,
  TotalCount: DataType.UInt32,
  GoodCount: DataType.UInt32,
  RejectCount: DataType.UInt32,
  IdealCycleTime: DataType.Double,
  Product: DataType.String,
  AndonActive: DataType.Boolean,
  AndonColour: DataType.String,
} as const;

export type MachineVariable = keyof typeof MACHINE_VARIABLES;

/**
 * Namespace index of the server's own namespace, which holds the plant.
 * node-opcua puts its own namespace at 1 (0 is the OPC UA namespace); its
 * URI is the server's applicationUri, `urn:<hostname>:NodeOPCUA-Server`.
 */
export const PLANT_NAMESPACE_INDEX = 1;

/** `ns=1;s=<site>.<line>.<machine>.<Var>` */
export function machineNodeId(
  site: string,
  line: string,
  machine: string,
  variable: MachineVariable,
): string {
  return `ns=${PLANT_NAMESPACE_INDEX};s=${site}.${line}.${machine}.${variable}`;
}

export interface PlantOpcUaServerOptions {
  /** The simulator to expose; by default one is made from `simulation`. */
  simulator?: PlantSimulator;
  simulation?: PlantSimulatorOptions;
  /** TCP port; 0 (default) picks a free one. A restart reuses the real port. */
  port?: number;
  /** Interface to listen on; default all. */
  host?: string;
  /** Host name in the endpoint URL; default the machine's FQDN. */
  hostname?: string;
  /** Default ['None']. Sign modes use node-opcua's self-signed certificate. */
  securityModes?: SecurityModeName[];
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  /** Real ms between simulation steps (default 1000); 0 = step only by advance(). */
  tickMs?: number;
  /** Where to keep the server's PKI; default node-opcua's per-user store. */
  serverCertificateManager?: OPCUAServerOptions['serverCertificateManager'];
  /** Max sessions and connections (default 100: tests and benchmarks open many). */
  maxSessions?: number;
}

type AddressSpace = NonNullable<OPCUAServer['engine']['addressSpace']>;
type Namespace = ReturnType<AddressSpace['getOwnNamespace']>;
type UAVariable = ReturnType<Namespace['addVariable']>;

const SECURE_POLICIES = [
  SecurityPolicy.Basic256Sha256,
  SecurityPolicy.Aes128_Sha256_RsaOaep,
  SecurityPolicy.Aes256_Sha256_RsaPss,
];

/**
 * An OPC UA server exposing a simulated plant: a folder per site, line and
 * machine, the machine's variables updated on every simulation step with the
 * simulated source timestamp.
 */
export class PlantOpcUaServer {
  readonly simulator: PlantSimulator;
  private readonly options: PlantOpcUaServerOptions;
  private readonly clock?: SimulationClock;
  private server?: OPCUAServer;
  private variables = new Map<string, Record<MachineVariable, UAVariable>>();
  private listeners = new Set<(events: PlantEvent[]) => void>();
  private port: number;
  private url?: string;

  constructor(options: PlantOpcUaServerOptions = {}) {
    this.options = options;
    this.simulator =
      options.simulator ?? new PlantSimulator(options.simulation);
    this.port = options.port ?? 0;
    const modes = options.securityModes ?? ['None'];
    const known: SecurityModeName[] = ['None', 'Sign', 'SignAndEncrypt'];
    if (modes.length === 0 || modes.some(m => !known.includes(m))) {
      throw new Error(
        `securityModes must be a non-empty list of None, Sign, SignAndEncrypt; got ${JSON.stringify(
          modes,
        )}`,
      );
    }
    const tickMs = options.tickMs ?? 1000;
    if (tickMs > 0) {
      this.clock = new SimulationClock(this.simulator, {
        speed: options.speed,
        tickMs,
        onStep: events => this.publish(events),
      });
    }
  }

  /** The endpoint URL (with the real port) once started. */
  get endpointUrl(): string {
    if (!this.url) throw new Error('PlantOpcUaServer: not started');
    return this.url;
  }

  get started(): boolean {
    return this.server !== undefined;
  }

  /** Starts listening; resolves to the endpoint URL. */
  async start(): Promise<string> {
    if (this.server) return this.endpointUrl;
    const o = this.options;
    const modes = (o.securityModes ?? ['None']).map(
      m => MessageSecurityMode[m],
    );
    const policies = [
      ...(modes.includes(MessageSecurityMode.None)
        ? [SecurityPolicy.None]
        : []),
      ...(modes.some(m => m !== MessageSecurityMode.None)
        ? SECURE_POLICIES
        : []),
    ];
    const maxSessions = o.maxSessions ?? 100;
    const server = new OPCUAServer({
      port: this.port,
      host: o.host,
      hostname: o.hostname,
      securityModes: modes,
      securityPolicies: policies,
      allowAnonymous: true,
      serverCertificateManager: o.serverCertificateManager,
      maxConnectionsPerEndpoint: maxSessions,
      serverCapabilities: { maxSessions },
      buildInfo: {
        productName: 'Plantops plant simulator',
        manufacturerName: 'Plantops',
      },
    });
    try {
      await server.initialize();
      this.buildAddressSpace(server);
      // Pending command events belong on the nodes before anyone connects.
      this.publish(this.simulator.advance(0));
      await server.start();
    } catch (e) {
      await server.shutdown(0).catch(() => undefined);
      this.variables.clear();
      throw e;
    }
    this.server = server;
    this.url = server.getEndpointUrl();
    this.port = Number(new URL(this.url.replace(/^opc\.tcp:/, 'http:')).port);
    this.clock?.start();
    return this.url;
  }

  /** Stops listening. The simulation keeps its state for a later start(). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.clock?.stop();
    this.server = undefined;
    this.variables.clear();
    await server.shutdown(0);
  }

  /** Steps the simulation by hand; the nodes and listeners see the events. */
  advance(simSeconds: number): PlantEvent[] {
    const events = this.simulator.advance(simSeconds);
    this.publish(events);
    return events;
  }

  injectFault(
    site: string,
    line: string,
    machine: string,
    durationS: number,
  ): void {
    this.simulator.injectFault(site, line, machine, durationS);
    this.advance(0);
  }

  resetCounters(site?: string, line?: string, machine?: string): void {
    this.simulator.resetCounters(site, line, machine);
    this.advance(0);
  }

  /** Changes simulated seconds per real second. */
  setSpeed(factor: number): void {
    if (!this.clock)
      throw new Error(
        'setSpeed: this server steps only by advance() (tickMs 0)',
      );
    this.clock.setSpeed(factor);
  }

  /** Calls `listener` with every step's events; returns an unsubscribe. */
  onEvents(listener: (events: PlantEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(events: PlantEvent[]): void {
    for (const e of events) this.apply(e);
    if (events.length === 0) return;
    for (const l of this.listeners) l(events);
  }

  private buildAddressSpace(server: OPCUAServer): void {
    const addressSpace = server.engine.addressSpace!;
    const ns = addressSpace.getOwnNamespace();
    if (ns.index !== PLANT_NAMESPACE_INDEX) {
      throw new Error(
        `expected own namespace at ${PLANT_NAMESPACE_INDEX}, got ${ns.index}`,
      );
    }
    const objects = addressSpace.rootFolder.objects;
    const snapshot = new Map(
      this.simulator.snapshot().map(m => [machineKey(m), m]),
    );
    for (const site of this.simulator.plant.sites) {
      const siteFolder = ns.addFolder(objects, {
        browseName: site.name,
        nodeId: `s=${site.name}`,
      });
      for (const line of site.lines) {
        const lineId = `${site.name}.${line.name}`;
        const lineFolder = ns.addFolder(siteFolder, {
          browseName: line.name,
          nodeId: `s=${lineId}`,
        });
        for (const m of line.machines) {
          const id = `${lineId}.${m.name}`;
          const folder = ns.addFolder(lineFolder, {
            browseName: m.name,
            nodeId: `s=${id}`,
          });
          const vars = {} as Record<MachineVariable, UAVariable>;
          for (const [name, dataType] of Object.entries(MACHINE_VARIABLES)) {
            vars[name as MachineVariable] = ns.addVariable({
              organizedBy: folder,
              browseName: name,
              nodeId: `s=${id}.${name}`,
              dataType: DataType[dataType],
              accessLevel: 'CurrentRead',
              userAccessLevel: 'CurrentRead',
            });
          }
          this.variables.set(`${site.name}/${line.name}/${m.name}`, vars);
          this.applySnapshot(
            vars,
            snapshot.get(`${site.name}/${line.name}/${m.name}`)!,
          );
        }
      }
    }
  }

  private applySnapshot(
    vars: Record<MachineVariable, UAVariable>,
    s: MachineSnapshot,
  ) {
    set(vars, 'State', s.state, s.stateAt);
    set(vars, 'AndonColour', s.andonColour, s.stateAt);
    set(vars, 'TotalCount', s.total, s.countersAt);
    set(vars, 'GoodCount', s.good, s.countersAt);
    set(vars, 'RejectCount', s.reject, s.countersAt);
    set(vars, 'IdealCycleTime', s.idealCycleTimeS, s.idealCycleTimeAt);
    set(vars, 'Product', s.product, s.idealCycleTimeAt);
    set(vars, 'AndonActive', s.andonActive, s.andonAt);
  }

  private apply(e: PlantEvent): void {
    const vars = this.variables.get(machineKey(e));
    if (!vars) return; // not started: the snapshot catches up on start()
    const at = new Date(e.sourceTimestamp);
    switch (e.type) {
      case 'machineState':
        set(vars, 'State', e.state, at);
        set(vars, 'AndonColour', stacklightColour(e.state), at);
        break;
      case 'counters':
        set(vars, 'TotalCount', e.total, at);
        set(vars, 'GoodCount', e.good, at);
        set(vars, 'RejectCount', e.reject, at);
        break;
      case 'idealCycleTime':
        set(vars, 'IdealCycleTime', e.idealCycleTimeSeconds, at);
        set(vars, 'Product', e.productId, at);
        break;
      case 'andon':
        set(vars, 'AndonActive', e.action !== 'cleared', at);
        break;
      default:
    }
  }
}

function set(
  vars: Record<MachineVariable, UAVariable>,
  name: MachineVariable,
  value: string | number | boolean,
  sourceTimestamp: Date,
): void {
  vars[name].setValueFromSource(
    { dataType: MACHINE_VARIABLES[name], value },
    StatusCodes.Good,
    sourceTimestamp,
  );
}
