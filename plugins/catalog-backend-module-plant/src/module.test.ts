import {
  createMockDirectory,
  mockServices,
  type TestBackend,
} from '@backstage/backend-test-utils';
// The catalog API returns entities with their status (the alpha type).
import type { AlphaEntity as Entity } from '@backstage/catalog-model/alpha';
import { eventually, postgresDatabases, startCatalog } from './testing/backend';

jest.setTimeout(60_000);

const databases = postgresDatabases();

// plant-a names line-2 itself; line-1 only names its site.
const PLANT_A = `
apiVersion: plantops.io/v1alpha1
kind: Site
metadata:
  name: plant-a
spec:
  type: edge-site
  owner: edge-team
  region: eu-central
  plantCode: PLANT-A
  timezone: Europe/Berlin
  shiftCalendar:
    shifts:
      - { name: early, start: "06:00", end: "14:00", days: [Mon, Tue, Wed, Thu, Fri] }
  edgeDevice: resource:default/ms5-edge-jetson
  cluster: resource:default/ms5-edge-k3s
  lines: [line-2]
`;

const REST = `
apiVersion: plantops.io/v1alpha1
kind: ProductionLine
metadata:
  name: line-1
spec:
  site: plant-a
  owner: mes-team
  machines:
    - name: filler
      idealCycleTimeSeconds: 0.5
      opcua:
        nodeMap:
          state: ns=2;s=PlantA.Line1.Filler.State
          totalCount: ns=2;s=PlantA.Line1.Filler.TotalCount
          rejectCount: ns=2;s=PlantA.Line1.Filler.RejectCount
  dependsOn: [component:default/opcua-connector]
---
apiVersion: plantops.io/v1alpha1
kind: ProductionLine
metadata:
  name: line-2
spec:
  site: plant-a
  owner: mes-team
  machines:
    - { name: capper, idealCycleTimeSeconds: 0.6 }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: edge-team
spec:
  type: team
  children: []
---
apiVersion: plantops.io/v1alpha1
kind: Site
metadata:
  name: plant-b
spec:
  type: plant
  owner: edge-team
  region: eu-central
  plantCode: PLANT-B
  timezone: Berlin
  shiftCalendar:
    shifts:
      - { name: early, start: "06:00", end: "14:00", days: [Mon] }
`;

const TIMEZONE_PROBLEM =
  'spec.timezone must be an IANA time zone, such as Europe/Berlin';

describe('catalogModulePlantEntities', () => {
  const dir = createMockDirectory();
  const file = dir.resolve('sites.yaml');
  const publish = jest.fn();
  let backend: TestBackend;
  let api: string;

  const getEntity = async (kind: string, name: string) => {
    const res = await fetch(`${api}/entities/by-name/${kind}/default/${name}`);
    return {
      status: res.status,
      entity: res.ok ? ((await res.json()) as Entity) : undefined,
    };
  };
  const relationsOf = (entity?: Entity) =>
    (entity?.relations ?? []).map(r => `${r.type} ${r.targetRef}`).sort();

  beforeAll(async () => {
    dir.setContent({ 'sites.yaml': `${PLANT_A}---${REST}` });
    ({ backend, api } = await startCatalog({
      knex: await databases.init('POSTGRES_15'),
      config: {
        catalog: {
          rules: [{ allow: ['Site', 'ProductionLine', 'Group', 'Location'] }],
          locations: [{ type: 'file', target: file }],
        },
      },
      // Catalog processing errors are published on the events service.
      features: [mockServices.events.mock({ publish }).factory],
    }));
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('loads Sites and ProductionLines with relations from either side', async () => {
    await eventually(async () => {
      const { entity } = await getEntity('site', 'plant-a');
      expect(relationsOf(entity)).toEqual([
        'dependsOn resource:default/ms5-edge-jetson',
        'dependsOn resource:default/ms5-edge-k3s',
        'hasPart productionline:default/line-1',
        'hasPart productionline:default/line-2',
        'ownedBy group:default/edge-team',
      ]);
    });
    await eventually(async () => {
      const line1 = (await getEntity('productionline', 'line-1')).entity;
      const line2 = (await getEntity('productionline', 'line-2')).entity;
      const group = (await getEntity('group', 'edge-team')).entity;
      expect(relationsOf(line1)).toEqual([
        'dependsOn component:default/opcua-connector',
        'ownedBy group:default/mes-team',
        'partOf site:default/plant-a',
      ]);
      expect(relationsOf(line2)).toEqual([
        'ownedBy group:default/mes-team',
        'partOf site:default/plant-a',
      ]);
      // plant-b names edge-team too, but an invalid entity emits nothing.
      expect(relationsOf(group)).toEqual(['ownerOf site:default/plant-a']);
    });
  });

  it('keeps an invalid Site out and reports it, without touching the valid one', async () => {
    // The error is published (and logged by catalog-backend-module-logs)
    // with the entity and its file location.
    await eventually(async () => {
      expect(publish).toHaveBeenCalledWith({
        topic: 'experimental.catalog.errors',
        eventPayload: {
          entity: 'site:default/plant-b',
          location: `file:${file}`,
          errors: [expect.objectContaining({ name: 'InputError' })],
        },
      });
    });
    const event = publish.mock.calls.find(
      ([e]) => e.eventPayload.entity === 'site:default/plant-b',
    )![0];
    expect(event.eventPayload.errors[0].message).toContain(
      `Site default/plant-b: ${TIMEZONE_PROBLEM}`,
    );

    // A Site that never validated is not in the catalog at all, and the
    // Location entity of its file carries no status for it.
    expect((await getEntity('site', 'plant-b')).status).toBe(404);
    const res = await fetch(`${api}/entities?filter=kind=location`);
    const locations = (await res.json()) as Entity[];
    const fileLocation = locations.find(l => l.spec?.target === file);
    expect(fileLocation).toBeDefined();
    expect(fileLocation!.status).toBeUndefined();

    const { entity: plantA } = await getEntity('site', 'plant-a');
    expect(plantA?.status).toBeUndefined();
    const otherErrors = publish.mock.calls.filter(
      ([e]) =>
        e.topic === 'experimental.catalog.errors' &&
        e.eventPayload.entity !== 'site:default/plant-b',
    );
    expect(otherErrors).toEqual([]);
  });

  it('rejects the entity through the validate-entity API with the clear message', async () => {
    const plantB = {
      apiVersion: 'plantops.io/v1alpha1',
      kind: 'Site',
      metadata: { name: 'plant-b' },
      spec: {
        type: 'plant',
        owner: 'edge-team',
        region: 'eu-central',
        plantCode: 'PLANT-B',
        timezone: 'Europe/Berlinn',
        shiftCalendar: {
          shifts: [
            { name: 'early', start: '06:00', end: '14:00', days: ['Mon'] },
          ],
        },
      },
    };
    const res = await fetch(`${api}/validate-entity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        entity: plantB,
        location: 'url:https://git.plantops.example/catalog/sites.yaml',
      }),
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toContain(
      `Site default/plant-b: ${TIMEZONE_PROBLEM}; "Europe/Berlinn" is not one`,
    );
  });

  it('shows the error in the status of a Site that breaks after it was valid, keeping the last good version', async () => {
    dir.setContent({
      'sites.yaml': `${PLANT_A.replace(
        'Europe/Berlin',
        'Europe/Berlinn',
      )}---${REST}`,
    });
    const refresh = await fetch(`${api}/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entityRef: 'site:default/plant-a' }),
    });
    expect(refresh.status).toBe(200);

    const plantA = await eventually(async () => {
      const { entity } = await getEntity('site', 'plant-a');
      expect(entity?.status?.items).toEqual([
        expect.objectContaining({
          type: 'backstage.io/catalog-processing',
          level: 'error',
          message: expect.stringContaining(
            `Site default/plant-a: ${TIMEZONE_PROBLEM}; "Europe/Berlinn" is not one`,
          ),
        }),
      ]);
      return entity!;
    });
    expect(plantA.spec?.timezone).toBe('Europe/Berlin');
    expect(relationsOf(plantA)).toContain(
      'hasPart productionline:default/line-1',
    );
    expect(
      (await getEntity('productionline', 'line-1')).entity?.status,
    ).toBeUndefined();
  });
});
