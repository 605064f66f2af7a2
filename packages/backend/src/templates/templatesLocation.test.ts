/**
 * The templates are registered the way app-config.yaml says (a file location
 * with a glob over templates/), and the catalog, with the scaffolder's entity
 * model, takes every one of them without a processing error.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleTemplateKind from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import type { AlphaEntity } from '@backstage/catalog-model/alpha';

jest.setTimeout(120_000);

const backendDir = path.resolve(__dirname, '../..');
const repoRoot = path.resolve(backendDir, '../..');
const appConfig = yaml.parse(fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'));
const templateDirs = fs.readdirSync(path.join(repoRoot, 'templates'), { withFileTypes: true }).filter(d => d.isDirectory());

describe('template registration', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('loads every templates/<name>/template.yaml through the app-config location', async () => {
    const location = appConfig.catalog.locations.find((l: any) => String(l.target).includes('templates/'));
    expect(location).toMatchObject({ type: 'file', rules: [{ allow: ['Template'] }] });
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleTemplateKind,
        mockServices.database.factory({ knex: await databases.init('SQLITE_3') }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Location'] }],
              // Relative targets resolve against the backend's folder, as under `./portal start`.
              locations: [{ ...location, target: path.resolve(backendDir, location.target) }],
            },
          },
        }),
      ],
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the test backend has no port');
    const base = `http://localhost:${address.port}/api/catalog`;
    let templates: AlphaEntity[] = [];
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
      const res = await fetch(`${base}/entities?filter=kind=template`);
      templates = await res.json();
      if (templates.length >= templateDirs.length) break;
      await new Promise(r => setTimeout(r, 500));
    }
    expect(templates.map(t => t.metadata.name).sort()).toEqual(templateDirs.map(d => d.name).sort());
    const errors = templates.flatMap(t => (t.status?.items ?? []).filter(i => i.level === 'error').map(i => `${t.metadata.name}: ${i.error?.message}`));
    expect(errors).toEqual([]);
  });
});
