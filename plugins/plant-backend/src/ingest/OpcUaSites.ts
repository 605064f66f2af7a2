import { parseEntityRef } from '@backstage/catalog-model';
import {
  isProductionLineEntity,
  isSiteEntity,
  ProductionLineEntity,
  SiteEntity,
} from '@plantops/backstage-plugin-plant-common';
import { OpcUaIngestor, OpcUaIngestorOptions, OpcUaMachine, OpcUaSecurityPolicy } from './OpcUaIngestor';

/** One OPC UA connector of a Site, with the machines its lines read through it. */
export interface ConnectorPlan {
  key: string;
  site: string;
  connector: string;
  endpointUrl: string;
  securityMode: 'None' | 'Sign' | 'SignAndEncrypt';
  securityPolicy: string;
  machines: OpcUaMachine[];
}

/**
 * The subscriptions the catalog asks for: each Site connector with the
 * machines of its ProductionLines that name it (or, when a site has one
 * connector, that name none). A machine whose node map lacks a node the
 * ingestor needs is left out, with a problem naming the field and the fix.
 */
export function connectorPlans(sites: SiteEntity[], lines: ProductionLineEntity[]) {
  const plans: ConnectorPlan[] = [];
  const problems: string[] = [];
  for (const site of sites) {
    const name = site.metadata.name;
    const connectors = site.spec.connectors?.opcua ?? [];
    for (const c of connectors) {
      const machines: OpcUaMachine[] = [];
      for (const line of lines) {
        const ref = parseEntityRef(line.spec.site, { defaultKind: 'Site', defaultNamespace: 'default' });
        if (ref.name !== name || ref.namespace !== (site.metadata.namespace ?? 'default')) continue;
        line.spec.machines.forEach((m, i) => {
          const opcua = m.opcua;
          if (!opcua) return;
          const named = opcua.connector ?? (connectors.length === 1 ? c.name : undefined);
          if (named !== c.name) return;
          const map = opcua.nodeMap;
          const field = `ProductionLine ${line.metadata.name}: spec.machines[${i}].opcua.nodeMap`;
          const missing = (['goodCount', 'rejectCount', 'idealCycleTime'] as const).filter(k => !map[k]);
          if (missing.length > 0) {
            problems.push(`${field}.${missing.join(', ')}: missing; the OPC UA ingestor needs them, add the node ids`);
            return;
          }
          machines.push({
            site: name,
            line: line.metadata.name,
            machine: m.name,
            nodes: {
              state: map.state,
              totalCount: map.totalCount,
              goodCount: map.goodCount!,
              rejectCount: map.rejectCount!,
              idealCycleTime: map.idealCycleTime!,
              ...(map.andon ? { andonActive: map.andon } : {}),
            },
          });
        });
      }
      if (machines.length === 0) continue;
      const plan = {
        site: name, connector: c.name, endpointUrl: c.endpointUrl,
        securityMode: c.securityMode, securityPolicy: c.securityPolicy, machines,
      };
      plans.push({ ...plan, key: JSON.stringify(plan) });
    }
  }
  return { plans, problems };
}

/**
 * Keeps one OpcUaIngestor per Site connector running: `sync` starts the
 * ones that appeared, stops the ones that disappeared and restarts the ones
 * whose endpoint, security or machines changed.
 */
export class OpcUaSites {
  private readonly running = new Map<string, { plan: ConnectorPlan; ingestor: OpcUaIngestor }>();
  private reported = new Set<string>();

  constructor(
    private readonly options: Pick<
      OpcUaIngestorOptions,
      'writer' | 'logger' | 'samplingIntervalMs' | 'publishingIntervalMs' | 'onBatch'
    > & {
      onIngestor?: (ingestor: OpcUaIngestor, plan: ConnectorPlan) => void;
    },
  ) {}

  /** Connectors subscribed now, as `site/connector`. */
  get connectors(): string[] {
    return [...this.running.values()].map(r => `${r.plan.site}/${r.plan.connector}`).sort();
  }

  async sync(sites: SiteEntity[], lines: ProductionLineEntity[]) {
    const { plans, problems } = connectorPlans(sites, lines);
    for (const p of problems) if (!this.reported.has(p)) this.options.logger.warn(p);
    this.reported = new Set(problems);
    const wanted = new Map(plans.map(p => [p.key, p]));
    for (const [key, r] of this.running) {
      if (wanted.has(key)) continue;
      this.running.delete(key);
      await r.ingestor.stop();
      this.options.logger.info(`OPC UA: stopped ${r.plan.site}/${r.plan.connector} (${r.plan.endpointUrl})`);
    }
    for (const [key, plan] of wanted) {
      if (this.running.has(key)) continue;
      let ingestor: OpcUaIngestor;
      try {
        ingestor = new OpcUaIngestor({
          endpointUrl: plan.endpointUrl,
          machines: plan.machines,
          securityMode: plan.securityMode,
          securityPolicy: plan.securityPolicy as OpcUaSecurityPolicy,
          writer: this.options.writer,
          logger: this.options.logger,
          samplingIntervalMs: this.options.samplingIntervalMs,
          publishingIntervalMs: this.options.publishingIntervalMs,
          onBatch: this.options.onBatch,
        });
      } catch (e) {
        this.options.logger.warn(`Site ${plan.site} connector ${plan.connector}: ${(e as Error).message}`);
        continue;
      }
      this.running.set(key, { plan, ingestor });
      this.options.onIngestor?.(ingestor, plan);
      await ingestor.start();
      this.options.logger.info(
        `OPC UA: subscribing ${plan.machines.length} machines of ${plan.site}/${plan.connector} (${plan.endpointUrl})`,
      );
    }
  }

  async stop() {
    for (const r of this.running.values()) await r.ingestor.stop();
    this.running.clear();
  }
}

/**
 * With `plant.telemetry.opcua.enabled`, subscribes to the OPC UA connectors
 * of the catalog's Sites and follows the catalog every `pollSeconds`
 * (default 60) on this backend instance. Enable it on one ingestion backend
 * only: each instance that has it on subscribes. Returns the stop function.
 */
export async function startOpcUaSites(options: {
  config: import('@backstage/config').Config;
  scheduler: import('@backstage/backend-plugin-api').SchedulerService;
  catalog: import('@backstage/plugin-catalog-node').CatalogService;
  auth: import('@backstage/backend-plugin-api').AuthService;
  writer: OpcUaIngestorOptions['writer'];
  logger: import('@backstage/backend-plugin-api').LoggerService;
  /** Each committed write of any connector (metrics, live updates). */
  onBatch?: OpcUaIngestorOptions['onBatch'];
}): Promise<(() => Promise<void>) | undefined> {
  const { config, scheduler, catalog, auth, writer, logger, onBatch } = options;
  if (!config.getOptionalBoolean('plant.telemetry.opcua.enabled')) return undefined;
  const pollSeconds = config.getOptionalNumber('plant.telemetry.opcua.pollSeconds') ?? 60;
  if (!Number.isFinite(pollSeconds) || pollSeconds < 5) {
    throw new Error(`plant.telemetry.opcua.pollSeconds must be at least 5, got ${pollSeconds}; raise it or leave it out for 60`);
  }
  const sites = new OpcUaSites({ writer, logger, onBatch });
  await scheduler.scheduleTask({
    id: 'plant-opcua-sites',
    scope: 'local',
    frequency: { seconds: pollSeconds },
    timeout: { minutes: 2 },
    fn: async () => {
      const { items } = await catalog.getEntities(
        { filter: [{ kind: 'Site' }, { kind: 'ProductionLine' }] },
        { credentials: await auth.getOwnServiceCredentials() },
      );
      await sites.sync(items.filter(isSiteEntity), items.filter(isProductionLineEntity));
    },
  });
  return () => sites.stop();
}
