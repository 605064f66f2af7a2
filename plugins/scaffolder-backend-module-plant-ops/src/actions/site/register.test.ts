import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
  type TestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModulePlant from '@plantops/backstage-plugin-catalog-backend-module-plant';
import type { JsonObject } from '@backstage/types';
import yaml from 'yaml';
import { capture, run as runAction, type Capture } from '../../lib/__testUtils__/actionHarness';
import { createSiteRegisterAction } from './register';
import { examples } from './register.examples';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
if (!databases.supports('POSTGRES_15')) {
  throw new Error('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set: source .services/env');
}

/** The first example's input: a valid site with one PLC and one line. */
const exampleInput = () =>
  structuredClone(yaml.parse(examples[0].example).steps[0].input) as JsonObject & { spec: any; lines: any[] };

describe('plant:site:register (real catalog backend with the site registry, PostgreSQL)', () => {
  let backend: TestBackend;
  let api: string;
  let catalogUrl = '';
  let workspace: string;

  const status = async (kind: string, name: string) =>
    (await fetch(`${api}/entities/by-name/${kind}/default/${name}`)).status;
  const registered = async () =>
    ((await (await fetch(`${api}/plant/site-registry/sites`)).json()).items as Array<{ name: string }>).map(i => i.name);

  function setup() {
    const cap = capture();
    const action = createSiteRegisterAction({
      config: mockServices.rootConfig({ data: {} }),
      logger: cap.logger,
      auditor: cap.auditor,
      catalog: undefined as any,
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async () => catalogUrl,
        getExternalBaseUrl: async () => catalogUrl,
      },
    });
    return { cap, action };
  }

  const run = (action: ReturnType<typeof setup>['action'], input: JsonObject, cap: Capture, dryRun = false) =>
    runAction(action, input, { cap, dryRun, workspacePath: workspace });

  beforeAll(async () => {
    const knex = await databases.init('POSTGRES_15');
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModulePlant,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: { catalog: { rules: [{ allow: ['Site', 'ProductionLine', 'Location'] }] } },
        }),
      ],
    });
    api = `http://localhost:${backend.server.port()}/api/catalog`;
    catalogUrl = api;
  });

  afterAll(async () => {
    await backend?.stop();
  });

  beforeEach(async () => {
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'site-register-'));
    catalogUrl = api;
  });

  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('dry run returns the plan and manifests, writes no file and registers nothing', async () => {
    const { cap, action } = setup();
    const out = await run(action, { ...exampleInput(), name: 'dry-plant' }, cap, true);
    expect(out.plan).toEqual([
      'write 6 manifests to k8s/dry-plant: namespace.yaml, sqlite-pvc.yaml, edge-gateway.yaml, edge-gateway-service.yaml, opcua-connector.yaml, kustomization.yaml',
      'add site:default/dry-plant in the site registry: site:default/dry-plant, productionline:default/ms5-plant-c-filling',
    ]);
    expect(out.manifests.map((m: any) => m.path)).toEqual([
      'k8s/dry-plant/namespace.yaml',
      'k8s/dry-plant/sqlite-pvc.yaml',
      'k8s/dry-plant/edge-gateway.yaml',
      'k8s/dry-plant/edge-gateway-service.yaml',
      'k8s/dry-plant/opcua-connector.yaml',
      'k8s/dry-plant/kustomization.yaml',
    ]);
    expect(await fs.readdir(workspace)).toEqual([]);
    expect(await registered()).not.toContain('dry-plant');
    expect(cap.audits).toEqual([
      expect.objectContaining({ phase: 'start', meta: expect.objectContaining({ target: 'site:default/dry-plant', dryRun: true }) }),
      expect.objectContaining({ phase: 'success' }),
    ]);
  });

  it('writes the K3s manifests with the site endpoints and puts the site in the catalog', async () => {
    const { cap, action } = setup();
    const input = exampleInput();
    input.spec.connectors.opcua.push({
      name: 'plc2',
      endpointUrl: 'opc.tcp://plc2.plant-c.local:4841',
      securityMode: 'None',
      securityPolicy: 'None',
    });
    const out = await run(action, input, cap);
    expect(out).toMatchObject({
      siteRef: 'site:default/ms5-plant-c',
      created: true,
      entityRefs: ['site:default/ms5-plant-c', 'productionline:default/ms5-plant-c-filling'],
      removedEntityRefs: [],
      manifestDir: 'k8s/ms5-plant-c',
    });
    const dir = path.join(workspace, 'k8s/ms5-plant-c');
    expect((await fs.readdir(dir)).sort()).toEqual([
      'edge-gateway-service.yaml',
      'edge-gateway.yaml',
      'kustomization.yaml',
      'namespace.yaml',
      'opcua-connector-plc1.yaml',
      'opcua-connector-plc2.yaml',
      'sqlite-pvc.yaml',
    ]);
    const plc2 = yaml.parse(await fs.readFile(path.join(dir, 'opcua-connector-plc2.yaml'), 'utf8'));
    expect(plc2).toMatchObject({
      kind: 'Deployment',
      metadata: {
        name: 'opcua-connector-plc2',
        namespace: 'edge',
        labels: {
          'plantops.io/catalog': 'true',
          'backstage.io/kubernetes-id': 'opcua-connector-plc2',
          'plantops.io/site': 'ms5-plant-c',
        },
        annotations: { 'plantops.io/site': 'site:default/ms5-plant-c' },
      },
    });
    expect(plc2.spec.template.spec.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: 'OPCUA_ENDPOINT_URL', value: 'opc.tcp://plc2.plant-c.local:4841' },
        { name: 'OPCUA_SECURITY_MODE', value: 'None' },
      ]),
    );
    const kustomization = yaml.parse(await fs.readFile(path.join(dir, 'kustomization.yaml'), 'utf8'));
    expect(kustomization.resources).toHaveLength(6);

    expect(await registered()).toContain('ms5-plant-c');
    // The registry applies a delta: the catalog has the site without waiting for a schedule.
    const deadline = Date.now() + 60_000;
    while ((await status('site', 'ms5-plant-c')) !== 200 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 250));
    }
    expect(await status('site', 'ms5-plant-c')).toBe(200);
    expect(await status('productionline', 'ms5-plant-c-filling')).toBe(200);

    // Registering it again replaces it.
    const again = await run(action, exampleInput(), capture());
    expect(again.created).toBe(false);
  });

  it('rejects an invalid site naming the input field and the fix, and changes nothing', async () => {
    const { cap, action } = setup();
    const input = { ...exampleInput(), name: 'bad-plant' };
    input.spec.timezone = 'Europe/Berlinn';
    await expect(run(action, input, cap)).rejects.toThrow(
      'spec.timezone must be an IANA time zone, such as Europe/Berlin; "Europe/Berlinn" is not one',
    );
    const badLine = { ...exampleInput(), name: 'bad-plant' };
    badLine.lines[0].spec.machines = [];
    await expect(run(action, badLine, cap)).rejects.toThrow(
      'lines[0].spec.machines must not be empty; add a list of the machines of the line',
    );
    await expect(run(action, { ...exampleInput(), name: 'Bad Plant' }, cap)).rejects.toThrow(
      /^name must be a lower-case dashed name/,
    );
    await expect(run(action, { ...exampleInput(), manifestDir: '../outside' }, cap)).rejects.toThrow(
      'manifestDir: "../outside" leaves the workspace. Use a relative path',
    );
    expect(await fs.readdir(workspace)).toEqual([]);
    expect(await registered()).not.toContain('bad-plant');
  });

  it('says exactly what changed when the registry cannot be reached', async () => {
    const { cap, action } = setup();
    // Validation passes, the manifests are written, then the registry is gone.
    let calls = 0;
    const realFetch = global.fetch;
    const spy = jest.spyOn(global, 'fetch').mockImplementation(async (url, init) => {
      if (String(url).includes('/plant/site-registry/sites') && !String(url).includes('dryRun') && ++calls) {
        throw new TypeError('fetch failed');
      }
      return realFetch(url, init);
    });
    try {
      await expect(run(action, { ...exampleInput(), name: 'offline-plant' }, cap)).rejects.toThrow(
        'site:default/offline-plant was not added to the site registry (fetch failed); nothing in the registry or catalog changed, the manifests are in the workspace at k8s/offline-plant',
      );
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBe(1);
    expect(await fs.readdir(path.join(workspace, 'k8s/offline-plant'))).toContain('edge-gateway.yaml');
    expect(await registered()).not.toContain('offline-plant');
    expect(cap.audits.map(a => a.phase)).toEqual(['start', 'fail']);
  });
});
