import type {
  AuthService,
  DatabaseService,
  DiscoveryService,
  HttpAuthService,
  PermissionsRegistryService,
  PermissionsService,
  SchedulerService,
  HttpRouterService,
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { RunbookService } from './RunbookService';
import { createRunbooksRouter } from './router';
import { RecentDeployments } from './deployments';
import { plantIncidentPermissions } from '@plantops/backstage-plugin-plant-common';
import { IncidentStore, ScaffolderTasks, TaskFollower, createIncidentsRouter } from '../incidents';

export interface OnCallDeps {
  config: RootConfigService;
  logger: LoggerService;
  httpRouter: HttpRouterService;
  urlReader: UrlReaderService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  database: DatabaseService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  scheduler: SchedulerService;
  discovery: DiscoveryService;
}

/** Runbooks (and the incidents started from them) on the plant plugin's router. */
export async function addOnCallRoutes(deps: OnCallDeps) {
  const { config, logger, httpRouter, urlReader, catalog, auth, httpAuth, database, permissions, scheduler } = deps;
  const runbooks = RunbookService.fromConfig(config, {
    urlReader,
    logger: logger.child({ feature: 'runbooks' }),
    // Checked with the portal's own credentials: a runbook is valid or not whoever asks.
    loadEntities: async () =>
      (
        await catalog.getEntities(
          { fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.type', 'spec.parameters'] },
          { credentials: await auth.getOwnServiceCredentials() },
        )
      ).items,
  });
  const tasks = new ScaffolderTasks({ discovery: deps.discovery, auth });
  httpRouter.use(
    createRunbooksRouter({
      runbooks,
      getEntity: async (ref, req) => catalog.getEntityByRef(ref, { credentials: await httpAuth.credentials(req) }),
      // Read with the portal's own credentials once the caller has been shown the entity.
      deployments: new RecentDeployments({ config, catalog, credentials: () => auth.getOwnServiceCredentials(), tasks }),
    }),
  );
  // Incidents live in the plugin's Backstage database, beside the approvals.
  const incidents = await IncidentStore.create(database);
  deps.permissionsRegistry.addPermissions(plantIncidentPermissions);
  httpRouter.use(createIncidentsRouter({ store: incidents, httpAuth, permissions }));

  // Template tasks launched from runbook steps: their outcome on the timeline.
  const c = config.getOptionalConfig('plant.incidents');
  const follower = new TaskFollower({
    store: incidents,
    tasks,
    logger: logger.child({ feature: 'incident-tasks' }),
    // Absolute links end up in post-mortems; without app.baseUrl they stay relative.
    appBaseUrl: config.getOptionalString('app.baseUrl') ?? '',
    waitMinutes: c?.getOptionalNumber('taskWaitMinutes'),
  });
  await scheduler.scheduleTask({
    id: 'plant-incident-task-follow',
    frequency: { seconds: 5 },
    timeout: { minutes: 2 },
    fn: () => follower.followOnce(),
  });
  const autoCloseDays = c?.getOptionalNumber('autoCloseDays') ?? 14;
  const retentionDays = c?.getOptionalNumber('retentionDays') ?? 730;
  await scheduler.scheduleTask({
    id: 'plant-incident-retention',
    frequency: { hours: 1 },
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
    fn: async () => {
      const { closed, deleted } = await incidents.sweep({ autoCloseDays, retentionDays });
      if (closed.length || deleted) logger.info(`Incidents: closed ${closed.length} idle for ${autoCloseDays} days, deleted ${deleted} closed over ${retentionDays} days ago`);
    },
  });
  return { runbooks, incidents, follower };
}
