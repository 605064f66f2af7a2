import path from 'node:path';
import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModulePlant from '@plantops/backstage-plugin-catalog-backend-module-plant';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { AlphaEntity } from '@backstage/catalog-model/alpha';

const repoRoot = path.resolve(__dirname, '../../../..');

// Both engines the portal runs on: SQLite (embedded default) and PostgreSQL
// (production). PostgreSQL must be there: TestDatabases would silently drop it.
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
if (!databases.supports('POSTGRES_15')) {
  throw new Error(
    'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set: run the tests with ./portal test, which starts the test services',
  );
}

async function fetchJson(base: string, url: string) {
  const res = await fetch(`${base}${url}`);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function waitFor<T>(
  what: () => string,
  fn: () => Promise<T | undefined>,
) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

describe('catalog backend with the Plantops catalog', () => {
  it.each(databases.eachSupportedId())(
    'loads every entity without an error on %p',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          catalogPlugin,
          catalogModulePlant,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              catalog: {
                rules: [
                  {
                    allow: [
                      'Component', 'System', 'API', 'Resource', 'Location',
                      'Domain', 'Group', 'User', 'Template',
                    ],
                  },
                  { allow: ['Site', 'ProductionLine'] },
                ],
                locations: [
                  { type: 'file', target: path.join(repoRoot, 'catalog-info.yaml') },
                ],
              },
            },
          }),
        ],
      });
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      const base = `http://localhost:${address.port}/api/catalog`;

      const required = [
        'component:default/scada-service',
        'component:default/ms5-gateway',
        'component:default/opcua-connector',
        'system:default/iip',
        'system:default/ms5',
        'domain:default/industrial-operations',
        'site:default/ms5-plant-a',
        'productionline:default/ms5-plant-a-filling',
      ];
      // Wait until processing has settled: the count stops changing and the
      // entities we know of are all there.
      let previous = -1;
      let missing: string[] = [];
      const settle = () =>
        `the catalog has ${previous} entities, missing ${missing.join(', ')}`;
      const entities: AlphaEntity[] = await waitFor(settle, async () => {
        const all: AlphaEntity[] = await fetchJson(base, '/entities');
        const refs = new Set(all.map(e => stringifyEntityRef(e)));
        missing = required.filter(r => !refs.has(r));
        const settled = all.length === previous && missing.length === 0;
        previous = all.length;
        return settled ? all : undefined;
      });

      expect(entities.length).toBeGreaterThan(60);
      const errors = entities.flatMap(e =>
        (e.status?.items ?? [])
          .filter(i => i.level === 'error')
          .map(i => `${stringifyEntityRef(e)}: ${i.error?.message ?? i.type}`),
      );
      expect(errors).toEqual([]);

      const scada: Entity = await fetchJson(
        base,
        '/entities/by-name/component/default/scada-service',
      );
      const relationTypes = new Set(scada.relations?.map(r => r.type));
      expect([...relationTypes]).toEqual(
        expect.arrayContaining(['ownedBy', 'partOf', 'dependsOn']),
      );

      // The Site kind's processor links a site to its lines.
      const site: Entity = await fetchJson(base, '/entities/by-name/site/default/ms5-plant-a');
      expect(site.relations).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'hasPart', targetRef: 'productionline:default/ms5-plant-a-filling' }),
        ]),
      );
    },
    180_000,
  );
});
