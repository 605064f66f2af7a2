import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  isProductionLineEntity,
  isSiteEntity,
  parseTelemetryEvent,
} from '@plantops/backstage-plugin-plant-common';
import { plantFromEntities } from './ingest/demoPlant';
import { openTelemetryDatabase } from './database/TelemetryDatabase';
import { scheduleMaintenance } from './database/maintenance';
import { RollupWriter, BatchResult } from './ingest/RollupWriter';
import { KafkaIngestor } from './ingest/KafkaIngestor';
import { startOpcUaSites } from './ingest/OpcUaSites';
import { EmbeddedPlant } from './ingest/EmbeddedPlant';
import { OeeQueries } from './oee/OeeQueries';
import { catalogSiteCalendars } from './oee/siteCalendars';
import { createMetrics } from './metrics';
import { createRouter } from './router';
import { kafkaConfigFrom } from './ingest/kafkaConfig';
import { LivePublisher } from './LivePublisher';
import { setupHealth } from './health/setup';
import { notificationService } from '@backstage/plugin-notifications-node';
import { addOnCallRoutes } from './runbooks';
import { ApprovalStore, createApprovalsRouter } from './approvals';

/**
 * The plant backend: telemetry ingestion (Kafka, the embedded demo plant),
 * per-minute rollups, and the OEE, machine and Andon API with live updates.
 *
 * @public
 */
export const plantPlugin = createBackendPlugin({
  pluginId: 'plant',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        signals: signalsServiceRef,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        auditor: coreServices.auditor,
        urlReader: coreServices.urlReader,
        scheduler: coreServices.scheduler,
        permissionsRegistry: coreServices.permissionsRegistry,
        notifications: notificationService,
        discovery: coreServices.discovery,
      },
      async init({ config, logger, httpRouter, lifecycle, signals, catalog, auth, database, httpAuth, permissions, auditor, urlReader, scheduler, permissionsRegistry, notifications, discovery }) {
        const microStopSeconds = config.getOptionalNumber('plant.telemetry.microStopSeconds') ?? 120;
        const db = await openTelemetryDatabase(config, logger);
        // Partitions ahead and retention, hourly on the scheduler.
        await scheduleMaintenance({ pool: db.pool, config, scheduler, logger });
        const writer = new RollupWriter(db.pool, raw => parseTelemetryEvent(raw), { microStopSeconds });
        // Shifts from the Site entities' calendars and time zones, as the frontend shows them.
        const queries = new OeeQueries(db.pool, { microStopSeconds, calendars: catalogSiteCalendars(catalog, auth) });
        const kafkaSource = kafkaConfigFrom(config);
        const metrics = createMetrics(queries, {
          pool: db.pool, kafka: kafkaSource, logger,
        });
        lifecycle.addShutdownHook(() => metrics.close());
        const live = new LivePublisher(signals);
        const onBatch = (source: string) => (_partition: number, r: BatchResult) => {
          metrics.recordBatch(source, r);
          for (const a of r.andonRaised) metrics.recordAndon(a.site, a.line);
          live.changed(r.lines);
        };

        const stops: (() => Promise<void>)[] = [];
        const kafka = kafkaConfigFrom(config);
        if (kafka) {
          const ingestor = new KafkaIngestor(writer, { ...kafka, onBatch: onBatch(`kafka:${kafka.topic}`) }, logger);
          await ingestor.start();
          stops.push(() => ingestor.stop());
        }
        // OPC UA subscriptions to the Site entities' connectors (plant.telemetry.opcua.enabled).
        const opcuaBatch = onBatch('opcua');
        const stopOpcUa = await startOpcUaSites({
          config, scheduler, catalog, auth, writer, logger, onBatch: r => opcuaBatch(0, r),
        });
        if (stopOpcUa) stops.push(stopOpcUa);
        const simulatorEnabled = config.getOptionalBoolean('plant.simulator.enabled') ?? !kafka;
        if (simulatorEnabled) {
          const plant = new EmbeddedPlant(writer, {
            speed: config.getOptionalNumber('plant.simulator.speed') ?? 1,
            seed: config.getOptionalNumber('plant.simulator.seed') ?? 1,
            // The demo simulates the Sites and ProductionLines of the catalog.
            loadPlant: async () => {
              const { items } = await catalog.getEntities(
                { filter: [{ kind: 'Site' }, { kind: 'ProductionLine' }] },
                { credentials: await auth.getOwnServiceCredentials() },
              );
              return plantFromEntities(items.filter(isSiteEntity), items.filter(isProductionLineEntity), new Date());
            },
            onBatch: onBatch('simulator'),
            logger,
          });
          plant.start();
          stops.push(() => plant.stop());
        }
        lifecycle.addShutdownHook(async () => {
          for (const stop of stops) await stop();
          await db.close();
        });

        httpRouter.use(await createRouter({ pool: db.pool, queries, metrics: metrics.registry }));
        // Four-eyes approvals live in the plugin's Backstage database, not the telemetry store.
        const approvals = await ApprovalStore.create(database);
        httpRouter.use(createApprovalsRouter({ store: approvals, httpAuth, permissions, auditor, logger }));
        // On-call: runbooks from plant.runbooks.locations, checked against the catalog and alert rules.
        const onCall = await addOnCallRoutes({
          config, logger, httpRouter, urlReader, catalog, auth, httpAuth, database, permissions, permissionsRegistry, scheduler, discovery,
        });
        // Health probes and alerts: sweeps on the scheduler, tables next to the telemetry.
        const health = await setupHealth({
          config, logger, scheduler, pool: db.pool, catalog, auth, httpAuth, permissions, permissionsRegistry, signals, notifications,
          // Each firing alert links to the runbook that answers it for its entity.
          runbookFor: (alert, entityRefs) => onCall.runbooks.linkFor(alert, entityRefs),
          // The demo plant's Sites get in-process OPC UA servers, so their probes run against something real.
          demoPlant: simulatorEnabled,
        });
        httpRouter.use(health.router);
        lifecycle.addShutdownHook(() => health.stop());
        // Prometheus scrapes without a Backstage token.
        httpRouter.addAuthPolicy({ path: '/metrics', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
