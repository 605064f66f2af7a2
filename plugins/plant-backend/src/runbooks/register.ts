import type {
  AuthService,
  DatabaseService,
  HttpAuthService,
  HttpRouterService,
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { RunbookService } from './RunbookService';
import { createRunbooksRouter } from './router';
import { IncidentStore, createIncidentsRouter } from '../incidents';

export interface OnCallDeps {
  config: RootConfigService;
  logger: LoggerService;
  httpRouter: HttpRouterService;
  urlReader: UrlReaderService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  database: DatabaseService;
}

/** Runbooks (and the incidents started from them) on the plant plugin's router. */
export async function addOnCallRoutes(deps: OnCallDeps) {
  const { config, logger, httpRouter, urlReader, catalog, auth, httpAuth, database } = deps;
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
  httpRouter.use(
    createRunbooksRouter({
      runbooks,
      getEntity: async (ref, req) => catalog.getEntityByRef(ref, { credentials: await httpAuth.credentials(req) }),
    }),
  );
  // Incidents live in the plugin's Backstage database, beside the approvals.
  const incidents = await IncidentStore.create(database);
  httpRouter.use(createIncidentsRouter({ store: incidents, httpAuth }));
  return { runbooks, incidents };
}
