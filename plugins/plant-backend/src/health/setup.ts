import type {
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import { plantAlertSilencePermission } from '@plantops/backstage-plugin-plant-common';
import { AlertmanagerClient, KubernetesClusterResolver, PrometheusClient } from '@plantops/backstage-plugin-plant-node';
import {
  isProductionLineEntity,
  isSiteEntity,
} from '@plantops/backstage-plugin-plant-common';
import type { Pool } from 'pg';
import { plantFromEntities } from '../ingest/demoPlant';
import { AlertNotifier } from '../alerts/AlertNotifier';
import { AlertService } from '../alerts/AlertService';
import { DemoOpcUaServers } from './demoOpcUa';
import { cachedEntities } from './entities';
import { HealthStore } from './HealthStore';
import { HealthSweeper } from './HealthSweeper';
import { HttpProbe } from './probes/httpProbe';
import { kafkaClustersFrom, KafkaProbe } from './probes/kafkaProbe';
import { KubernetesProbe } from './probes/kubernetesProbe';
import { OpcUaProbe } from './probes/opcuaProbe';
import { postgresInstancesFrom, PostgresProbe } from './probes/postgresProbe';
import { PrometheusProbe } from './probes/prometheusProbe';
import type { Probe } from './probes/types';
import { createHealthRouter } from './router';
import { migrateHealth } from './schema';

export interface HealthDeps {
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  /** The telemetry store's pool: health tables live next to it. */
  pool: Pool;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  signals?: SignalsService;
  notifications?: NotificationService;
  /** The runbook link of an alert without a `plantops.io/runbook` or runbook_url (the on-call runbooks). */
  runbookFor?: (alertName: string, entityRefs: string[]) => Promise<string | null>;
  /** The embedded demo plant runs: its Sites' OPC UA connectors get in-process servers (plant.health.opcua.demoServers). */
  demoPlant?: boolean;
}

/**
 * Health probes and alerts: schedules the health sweep and the alert poll on
 * the Backstage scheduler (one replica runs each), and returns their router.
 */
export async function setupHealth(d: HealthDeps) {
  const h = d.config.getOptionalConfig('plant.health');
  const a = d.config.getOptionalConfig('plant.alerts');
  await migrateHealth(d.pool);
  d.permissionsRegistry.addPermissions([plantAlertSilencePermission]);
  const store = new HealthStore(d.pool);
  const loadEntities = cachedEntities(d.catalog, d.auth);

  const prometheusUrl = h?.getOptionalString('prometheus.baseUrl');
  const alertmanagerUrl = a?.getOptionalString('alertmanager.baseUrl');
  const kafka = new KafkaProbe(kafkaClustersFrom(d.config), { maxLag: h?.getOptionalNumber('kafka.maxLag') });
  const demoServers =
    (h?.getOptionalBoolean('opcua.demoServers') ?? d.demoPlant ?? false)
      ? new DemoOpcUaServers({
          logger: d.logger,
          plant: async () => {
            const items = await loadEntities();
            return plantFromEntities(items.filter(isSiteEntity), items.filter(isProductionLineEntity), new Date());
          },
        })
      : undefined;
  const opcua = new OpcUaProbe({
    maxDataAgeSeconds: h?.getOptionalNumber('opcua.maxDataAgeSeconds'),
    concurrency: h?.getOptionalNumber('opcua.concurrency'),
    standIn: demoServers?.standIn,
    lastDataChange: async site => {
      const r = await d.pool.query('SELECT max(last_event_at) AS at FROM plant_machine WHERE site = $1', [site]);
      return r.rows[0]?.at ?? undefined;
    },
  });
  const probes: Probe[] = [
    new HttpProbe({ slowMs: h?.getOptionalNumber('http.slowMs'), concurrency: h?.getOptionalNumber('http.concurrency') }),
    new PostgresProbe(postgresInstancesFrom(d.config), {
      maxReplicationLagSeconds: h?.getOptionalNumber('postgres.maxReplicationLagSeconds'),
    }),
    kafka,
    opcua,
    // Without plant.health.prometheus.baseUrl a job says it is not monitored here.
    new PrometheusProbe(prometheusUrl ? new PrometheusClient({ baseUrl: prometheusUrl }) : undefined),
  ];
  // Workloads on the clusters of plant.kubernetes.clusters (tokens only from config).
  probes.push(
    new KubernetesProbe(new KubernetesClusterResolver(d.config, { catalog: d.catalog }), d.catalog, () =>
      d.auth.getOwnServiceCredentials(),
    ),
  );

  const notifier = new AlertNotifier({ store, logger: d.logger, notifications: d.notifications, signals: d.signals });
  const historyMs = (h?.getOptionalNumber('historyDays') ?? 7) * 86_400_000;
  const sweeper = new HealthSweeper(
    { probes, store, loadEntities, logger: d.logger, onChanged: changed => notifier.healthChanged(changed) },
    { concurrency: h?.getOptionalNumber('concurrency'), timeoutMs: h?.getOptionalNumber('timeoutMs'), historyMs },
  );
  const alerts = new AlertService({
    alertmanager: alertmanagerUrl ? new AlertmanagerClient({ baseUrl: alertmanagerUrl }) : undefined,
    pool: d.pool,
    loadEntities,
    runbookFor: d.runbookFor,
  });

  if (h?.getOptionalBoolean('enabled') ?? true) {
    const seconds = h?.getOptionalNumber('sweepSeconds') ?? 30;
    await d.scheduler.scheduleTask({
      id: 'plant-health-sweep',
      frequency: { seconds },
      timeout: { seconds: Math.max(60, seconds * 4) },
      initialDelay: { seconds: 5 },
      fn: async () => {
        const r = await sweeper.sweep();
        d.logger.debug(`Health sweep: ${r.entities} entities, ${r.probes} probes in ${Math.round(r.wallMs)} ms`);
      },
    });
    await d.scheduler.scheduleTask({
      id: 'plant-alerts-poll',
      frequency: { seconds: a?.getOptionalNumber('pollSeconds') ?? 15 },
      timeout: { seconds: 60 },
      initialDelay: { seconds: 5 },
      fn: async () => notifier.alertsPolled((await alerts.list()).alerts),
    });
  }
  return {
    router: createHealthRouter({ store, alerts, loadEntities, httpAuth: d.httpAuth, permissions: d.permissions, historyMs }),
    stop: async () => {
      await Promise.all([kafka.close(), opcua.close()]);
      await demoServers?.stop();
    },
  };
}
