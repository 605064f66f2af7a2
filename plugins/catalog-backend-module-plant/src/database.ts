import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/**
 * The catalog's database with this module's tables (site registry,
 * discovered workloads). The migrations keep their own knex bookkeeping table
 * so they never mix with the catalog's.
 */
export async function moduleDatabase(database: DatabaseService): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({
      directory: resolvePackagePath(
        '@plantops/backstage-plugin-catalog-backend-module-plant',
        'migrations',
      ),
      tableName: 'plant_site_registry_knex_migrations',
    });
  }
  return client;
}
