import type { SchedulerService } from '@backstage/backend-plugin-api';
import type { TestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import {
  eventually,
  postgresDatabases,
  startCatalog,
} from '../testing/backend';
import { registration } from '../testing/fixtures';
import { SITE_REGISTRY_PATH } from './router';

jest.setTimeout(120_000);

const databases = postgresDatabases();

describe('site registry on PostgreSQL', () => {
  let knex: Knex;
  let backend: TestBackend;
  let api: string;
  let sites: string;
  let scheduler: SchedulerService;

  const status = async (ref: string) =>
    (await fetch(`${api}/entities/by-name/${ref.replace(/[:]/, '/')}`)).status;
  const entity = async (ref: string) =>
    (await (
      await fetch(`${api}/entities/by-name/${ref.replace(/[:]/, '/')}`)
    ).json()) as Entity;
  const post = (body: unknown, query = '') =>
    fetch(`${sites}${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    knex = await databases.init('POSTGRES_15');
    ({ backend, api, scheduler } = await startCatalog({
      knex,
      config: {
        plant: {
          siteRegistry: {
            schedule: { frequency: { minutes: 10 }, timeout: { seconds: 30 } },
            sites: [
              registration('seed-plant', 2),
              // Invalid: logged and skipped, the valid seed still lands.
              { site: { metadata: { name: 'Bad Name' }, spec: {} } },
            ],
          },
        },
      },
    }));
    sites = `${api}${SITE_REGISTRY_PATH}/sites`;
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('seeds the registry from config and puts the seeded site and its lines in the catalog', async () => {
    await eventually(async () => {
      expect(await status('site:default/seed-plant')).toBe(200);
      expect(await status('productionline:default/seed-plant-line-1')).toBe(200);
      expect(await status('productionline:default/seed-plant-line-2')).toBe(200);
    });
    const rows = await knex('plant_site_registry').select('name', 'source');
    expect(rows).toEqual([{ name: 'seed-plant', source: 'config' }]);

    const line = await entity('productionline:default/seed-plant-line-1');
    expect(line.spec?.site).toBe('site:default/seed-plant');
    expect(line.metadata.annotations?.['backstage.io/managed-by-location']).toBe(
      'plant-site-registry:seed-plant',
    );
    await eventually(async () => {
      const site = await entity('site:default/seed-plant');
      expect(site.relations?.map(r => `${r.type} ${r.targetRef}`)).toEqual(
        expect.arrayContaining([
          'hasPart productionline:default/seed-plant-line-1',
          'hasPart productionline:default/seed-plant-line-2',
        ]),
      );
    });
  });

  it('registers a site through the API and it appears at once (delta)', async () => {
    const dry = await post(registration('plant-c', 1), '?dryRun=true');
    expect(dry.status).toBe(200);
    expect(await dry.json()).toEqual({
      name: 'plant-c',
      created: true,
      dryRun: true,
      entityRefs: ['site:default/plant-c', 'productionline:default/plant-c-line-1'],
      removedEntityRefs: [],
    });
    expect(await knex('plant_site_registry').where({ name: 'plant-c' })).toEqual([]);

    const res = await post(registration('plant-c', 1));
    expect(res.status).toBe(201);
    await eventually(async () => {
      expect(await status('site:default/plant-c')).toBe(200);
      expect(await status('productionline:default/plant-c-line-1')).toBe(200);
    });
    const list = await (await fetch(sites)).json();
    expect(list.items.map((i: any) => i.name)).toEqual(['plant-c', 'seed-plant']);
  });

  it('updating a site drops the lines it no longer has', async () => {
    expect((await post(registration('plant-d', 2))).status).toBe(201);
    await eventually(async () =>
      expect(await status('productionline:default/plant-d-line-2')).toBe(200),
    );
    const res = await post(registration('plant-d', 1));
    expect(res.status).toBe(200);
    expect((await res.json()).removedEntityRefs).toEqual([
      'productionline:default/plant-d-line-2',
    ]);
    await eventually(async () =>
      expect(await status('productionline:default/plant-d-line-2')).toBe(404),
    );
    expect(await status('productionline:default/plant-d-line-1')).toBe(200);
  });

  it('a decommissioned site and its lines disappear from the catalog', async () => {
    expect((await post(registration('plant-e', 1))).status).toBe(201);
    await eventually(async () =>
      expect(await status('site:default/plant-e')).toBe(200),
    );
    const res = await fetch(`${sites}/plant-e`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      name: 'plant-e',
      removedEntityRefs: ['site:default/plant-e', 'productionline:default/plant-e-line-1'],
    });
    await eventually(async () => {
      expect(await status('site:default/plant-e')).toBe(404);
      expect(await status('productionline:default/plant-e-line-1')).toBe(404);
    });
    // The row stays, marked, so the registry remembers the site.
    const [row] = await knex('plant_site_registry').where({ name: 'plant-e' });
    expect(row.decommissioned_at).not.toBeNull();

    const again = await fetch(`${sites}/plant-e`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect((await again.json()).error.message).toContain(
      'No site named "plant-e" is in service',
    );
  });

  it('a site removed from the registry table behind its back leaves the catalog on the next scheduled run (full mutation)', async () => {
    // Another replica (or an operator) changes the table; no delta reaches this one.
    await eventually(async () =>
      expect(await status('site:default/seed-plant')).toBe(200),
    );
    await knex('plant_site_registry')
      .where({ name: 'seed-plant' })
      .update({ decommissioned_at: knex.fn.now() });
    const direct = registration('plant-f', 1);
    await knex('plant_site_registry').insert({
      name: 'plant-f',
      site: JSON.stringify({ apiVersion: 'plantops.io/v1alpha1', kind: 'Site', ...direct.site }),
      lines: JSON.stringify(
        direct.lines!.map(l => ({
          apiVersion: 'plantops.io/v1alpha1',
          kind: 'ProductionLine',
          ...l,
          spec: { ...(l.spec as object), site: 'site:default/plant-f' },
        })),
      ),
      source: 'api',
    });
    const tasks = (await scheduler.getScheduledTasks()).map(t => t.id);
    expect(tasks).toContain('plant-site-registry:refresh');
    await scheduler.triggerTask('plant-site-registry:refresh');
    await eventually(async () => {
      expect(await status('site:default/seed-plant')).toBe(404);
      expect(await status('productionline:default/seed-plant-line-2')).toBe(404);
      expect(await status('site:default/plant-f')).toBe(200);
      expect(await status('productionline:default/plant-f-line-1')).toBe(200);
    });
    // Still there: sites that were never touched.
    expect(await status('site:default/plant-c')).toBe(200);
  });

  it('rejects an invalid site with the field and the fix, and writes nothing', async () => {
    const bad = registration('plant-g', 1);
    (bad.site.spec as any).timezone = 'Europe/Berlinn';
    const res = await post(bad);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe(
      'body.site: Site default/plant-g: spec.timezone must be an IANA time zone, such as Europe/Berlin; "Europe/Berlinn" is not one',
    );

    const badLine = registration('plant-g', 1);
    (badLine.lines![0].spec as any).machines = [];
    const lineRes = await post(badLine);
    expect(lineRes.status).toBe(400);
    expect((await lineRes.json()).error.message).toBe(
      'body.lines[0]: ProductionLine default/plant-g-line-1: spec.machines must not be empty; add a list of the machines of the line',
    );

    const noSite = await post({ lines: [] });
    expect((await noSite.json()).error.message).toBe(
      'body.site is missing; send the Site entity as { metadata: { name }, spec }',
    );
    expect(await knex('plant_site_registry').where({ name: 'plant-g' })).toEqual([]);
  });

  it('leaves the catalog routes alone', async () => {
    const res = await fetch(`${api}/entities/by-query?filter=kind=site`);
    expect(res.status).toBe(200);
    const facets = await fetch(`${api}/entity-facets?facet=kind`);
    expect(facets.status).toBe(200);
    const validate = await fetch(`${api}/validate-entity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        entity: { apiVersion: 'plantops.io/v1alpha1', kind: 'Site', metadata: { name: 'x' }, spec: {} },
        location: 'url:https://example.com/x.yaml',
      }),
    });
    // The catalog's validate-entity still parses its own JSON body and answers.
    expect(validate.status).toBe(400);
    expect((await validate.json()).errors[0].message).toContain('Site default/x');
    expect((await fetch(`${api}/plant/site-registry/nothing`)).status).toBe(404);
  });
});
