import { createMockDirectory, type TestBackend } from '@backstage/backend-test-utils';
import type { AlphaEntity } from '@backstage/catalog-model/alpha';
import { eventually, postgresDatabases, startCatalog } from './testing/backend';

jest.setTimeout(120_000);

const databases = postgresDatabases();

const site = (name: string, extra: string) => `
apiVersion: plantops.io/v1alpha1
kind: Site
metadata: { name: ${name} }
spec:
  type: edge-site
  owner: group:default/edge-team
  region: eu-central
  plantCode: ${name.toUpperCase()}
  timezone: Europe/Berlin
  shiftCalendar: { shifts: [{ name: early, start: "06:00", end: "14:00", days: [Mon] }] }
${extra}
`;

const CATALOG = [
  site('good-site', `  edgeDevice: resource:default/jetson-1\n  cluster: resource:default/k3s-1\n  lines: [good-line]`),
  site('bad-site', `  edgeDevice: resource:default/db-1\n  cluster: resource:default/jetson-1\n  lines: [good-line, own-line]`),
  `
apiVersion: plantops.io/v1alpha1
kind: ProductionLine
metadata: { name: good-line }
spec: { site: good-site, owner: group:default/mes-team, machines: [{ name: filler, idealCycleTimeSeconds: 0.5 }] }
---
apiVersion: plantops.io/v1alpha1
kind: ProductionLine
metadata: { name: own-line }
spec: { site: bad-site, owner: group:default/mes-team, machines: [{ name: filler, idealCycleTimeSeconds: 0.5 }] }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: jetson-1 }
spec: { type: edge-device, owner: group:default/edge-team }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: k3s-1 }
spec: { type: kubernetes-cluster, owner: group:default/edge-team }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: db-1 }
spec: { type: database, owner: group:default/dba-team }
`,
].join('---');

describe('PlantCrossEntityProcessor (catalog backend, PostgreSQL)', () => {
  const dir = createMockDirectory();
  let backend: TestBackend;
  let api: string;

  const get = async (kind: string, name: string) => {
    const res = await fetch(`${api}/entities/by-name/${kind}/default/${name}`);
    return res.ok ? ((await res.json()) as AlphaEntity) : undefined;
  };

  beforeAll(async () => {
    dir.setContent({ 'catalog.yaml': CATALOG });
    ({ backend, api } = await startCatalog({
      knex: await databases.init('POSTGRES_15'),
      config: {
        catalog: {
          rules: [{ allow: ['Resource', 'Location', 'Site', 'ProductionLine'] }],
          locations: [{ type: 'file', target: dir.resolve('catalog.yaml') }],
        },
      },
    }));
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('reports a device, cluster or line that does not fit the Site, naming the field and the fix', async () => {
    // The first rounds may run before the named entities are in the catalog.
    await eventually(async () => {
      const bad = await get('site', 'bad-site');
      expect(bad?.status?.items?.[0]).toMatchObject({ level: 'error', type: 'backstage.io/catalog-processing' });
      expect(bad!.status!.items![0].message).toContain(
      'Site default/bad-site: spec.edgeDevice resource:default/db-1 is a Resource of type database; point it at a Resource of type edge-device; ' +
        'spec.cluster resource:default/jetson-1 is a Resource of type edge-device; point it at a Resource of type kubernetes-cluster; ' +
        "spec.lines[0] productionline:default/good-line names site:default/good-site in its spec.site; list the line under that site, or change the line's spec.site to site:default/bad-site",
      );
    });
  });

  it('leaves a Site whose device, cluster and lines agree alone', async () => {
    const good = await eventually(async () => (await get('site', 'good-site'))!);
    // Several processing rounds have run by now (bad-site got its error above).
    expect(good.status).toBeUndefined();
    expect(good.relations?.map(r => `${r.type} ${r.targetRef}`)).toContain('hasPart productionline:default/good-line');
    // Its cluster's workloads labelled with the site show in its Kubernetes tab.
    expect(good.metadata.annotations?.['backstage.io/kubernetes-label-selector']).toBe('plantops.io/site=good-site');
  });
});
