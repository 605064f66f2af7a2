import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type {
  BackendFeature,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import type { Knex } from 'knex';
import { catalogModulePlantEntities } from '../module';

/** The catalog's real PostgreSQL; the tests refuse to run without it. */
export function postgresDatabases() {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  if (!databases.supports('POSTGRES_15')) {
    throw new Error(
      'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set: source .services/env (scripts/services.sh start)',
    );
  }
  return databases;
}

/**
 * The catalog backend with this module on `knex`, plus `config` (its `catalog`
 * block merged over these defaults) and `features`.
 */
export async function startCatalog(options: {
  knex: Knex;
  config?: Record<string, any>;
  features?: BackendFeature[];
}) {
  // The mock scheduler runs each task once at start; tests trigger the
  // scheduled runs after that with scheduler.triggerTask(id).
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(): ServiceFactory;
  };
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      scheduler.factory(),
      catalogModulePlantEntities,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          catalog: {
            rules: [
              {
                allow: ['Component', 'Resource', 'Location', 'Site', 'ProductionLine', 'Group'],
              },
            ],
            // Process what providers emit without the default 100-200 s pause.
            processingInterval: { seconds: 1 },
            ...options.config?.catalog,
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  const api = `http://localhost:${backend.server.port()}/api/catalog`;
  return { backend, api, scheduler };
}

/** Retries `check` until it stops throwing; catalog processing is asynchronous. */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  }
}
