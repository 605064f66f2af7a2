/*
 * Validates the Plantops catalog files under catalog/: every entity reachable
 * from catalog/all.yaml must be a valid Backstage entity, every relation must
 * point at an entity in the files, and the entities the IIP and MS5.0
 * operations guides name must be present with the annotations the portal
 * relies on.
 */
import fs from 'fs';
import path from 'path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import {
  Entity,
  EntityPolicies,
  DefaultNamespaceEntityPolicy,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  KindValidator,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

const repoRoot = path.resolve(__dirname, '../../../..');
const catalogRoot = path.join(repoRoot, 'catalog');
const entryFile = path.join(catalogRoot, 'all.yaml');

type LoadedEntity = { entity: Entity; file: string };

/** Reads all.yaml and every file its Locations (transitively) point at. */
function loadCatalog(): { entities: LoadedEntity[]; files: string[] } {
  const entities: LoadedEntity[] = [];
  const files: string[] = [];
  const queue = [entryFile];
  const seen = new Set<string>();
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    files.push(file);
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    for (const doc of docs) {
      if (doc.errors.length) {
        throw new Error(
          `${file}: ${doc.errors.map(e => e.message).join('; ')}`,
        );
      }
      const data = doc.toJS();
      if (data === null || data === undefined) continue;
      const entity = data as Entity;
      entities.push({ entity, file });
      if (entity.kind === 'Location') {
        const spec = (entity.spec ?? {}) as {
          target?: string;
          targets?: string[];
        };
        const targets = [
          ...(spec.targets ?? []),
          ...(spec.target ? [spec.target] : []),
        ];
        for (const target of targets) {
          queue.push(path.resolve(path.dirname(file), target));
        }
      }
    }
  }
  return { entities, files };
}

const { entities, files } = loadCatalog();
const all = entities.map(e => e.entity);
const refOf = (e: Entity) =>
  stringifyEntityRef({
    kind: e.kind,
    namespace: e.metadata.namespace ?? 'default',
    name: e.metadata.name,
  });
const byRef = new Map<string, Entity>(all.map(e => [refOf(e), e]));
const ofKind = (kind: string) => all.filter(e => e.kind === kind);
const spec = (e: Entity) => (e.spec ?? {}) as Record<string, any>;
const annotations = (e: Entity) => e.metadata.annotations ?? {};

/** Relation fields, their default kind and the kinds they may point at. */
const relationFields: Array<{
  field: string;
  defaultKind?: string;
  allowedKinds?: string[];
}> = [
  { field: 'owner', defaultKind: 'Group', allowedKinds: ['Group', 'User'] },
  { field: 'system', defaultKind: 'System', allowedKinds: ['System'] },
  { field: 'domain', defaultKind: 'Domain', allowedKinds: ['Domain'] },
  { field: 'dependsOn', allowedKinds: ['Component', 'Resource'] },
  { field: 'dependencyOf', allowedKinds: ['Component', 'Resource'] },
  { field: 'providesApis', defaultKind: 'API', allowedKinds: ['API'] },
  { field: 'consumesApis', defaultKind: 'API', allowedKinds: ['API'] },
  { field: 'memberOf', defaultKind: 'Group', allowedKinds: ['Group'] },
  { field: 'parent', defaultKind: 'Group', allowedKinds: ['Group'] },
  { field: 'children', defaultKind: 'Group', allowedKinds: ['Group'] },
  { field: 'members', defaultKind: 'User', allowedKinds: ['User'] },
  // Plantops Site / ProductionLine fields (plantops.io/v1alpha1)
  { field: 'site', defaultKind: 'Site', allowedKinds: ['Site'] },
  {
    field: 'lines',
    defaultKind: 'ProductionLine',
    allowedKinds: ['ProductionLine'],
  },
  { field: 'edgeDevice', defaultKind: 'Resource', allowedKinds: ['Resource'] },
  { field: 'cluster', defaultKind: 'Resource', allowedKinds: ['Resource'] },
  {
    field: 'subcomponentOf',
    defaultKind: 'Component',
    allowedKinds: ['Component'],
  },
];

function resolve(ref: string, defaultKind?: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
  );
}

const KNOWN_ALERTS = ['ServiceDown', 'HighErrorRate', 'DatabaseConnectionHigh'];

const REQUIRED: string[] = [
  'domain:default/industrial-operations',
  'system:default/iip',
  'system:default/iip-edge',
  'system:default/ms5',
  'system:default/ms5-edge',
  'system:default/platform-tooling',
  // services and the frontend
  'component:default/scada-service',
  'component:default/analytics-service',
  'component:default/ml-inference',
  'component:default/iip-frontend',
  'component:default/ms5-gateway',
  'component:default/dms-service',
  'component:default/edge-gateway',
  'component:default/opcua-connector',
  // MLOps and shared tooling
  'component:default/feast',
  'component:default/mlflow',
  'component:default/argo-workflows',
  'component:default/kserve-triton',
  'component:default/prometheus',
  'component:default/grafana',
  'component:default/jaeger',
  'component:default/opensearch',
  'component:default/argocd',
  'component:default/gitlab-ci',
  'component:default/velero',
  'component:default/cert-manager',
  'component:default/ingress-nginx',
  // data stores, brokers, network
  'resource:default/iip-postgresql-primary',
  'resource:default/iip-postgresql-read',
  'resource:default/ms5-postgres-primary',
  'resource:default/ms5-postgres-secondary',
  'resource:default/iip-influxdb',
  'resource:default/iip-minio',
  'resource:default/iip-data-lake',
  'resource:default/iip-redis',
  'resource:default/ms5-redis',
  'resource:default/iip-rabbitmq',
  'resource:default/ms5-kafka',
  'resource:default/ms5-telemetry',
  'resource:default/iip-kong',
  'resource:default/iip-istio',
  // clusters and edge
  'resource:default/iip-prod-cluster',
  'resource:default/ms5-prod-aks',
  'resource:default/ms5-dr-aks',
  'resource:default/ms5-edge-k3s',
  'resource:default/ms5-edge-jetson',
  'resource:default/iip-edge-jetson',
  // APIs
  'api:default/ms5-gateway-api',
  'api:default/ms5-telemetry-api',
  // organisation
  'group:default/plantops',
  'group:default/platform-team',
  'group:default/dba-team',
  'group:default/security-team',
  'group:default/oncall-team',
  'group:default/ml-team',
  'group:default/mes-team',
];

const EXPECTED_TYPES: Record<string, string> = {
  'resource:default/iip-postgresql-primary': 'database',
  'resource:default/iip-postgresql-read': 'database',
  'resource:default/ms5-postgres-primary': 'database',
  'resource:default/ms5-postgres-secondary': 'database',
  'resource:default/iip-redis': 'cache',
  'resource:default/ms5-redis': 'cache',
  'resource:default/iip-rabbitmq': 'message-broker',
  'resource:default/ms5-kafka': 'message-broker',
  'resource:default/ms5-telemetry': 'kafka-topic',
  'resource:default/iip-kong': 'gateway',
  'resource:default/iip-istio': 'service-mesh',
  'resource:default/iip-prod-cluster': 'kubernetes-cluster',
  'resource:default/ms5-prod-aks': 'kubernetes-cluster',
  'resource:default/ms5-dr-aks': 'kubernetes-cluster',
  'resource:default/ms5-edge-k3s': 'kubernetes-cluster',
  'resource:default/ms5-edge-jetson': 'edge-device',
  'resource:default/iip-edge-jetson': 'edge-device',
  'component:default/iip-frontend': 'website',
  'component:default/scada-service': 'service',
  'component:default/ms5-gateway': 'service',
};

describe('catalog files', () => {
  it('reaches the platform and org files from all.yaml with relative targets', () => {
    const root = entities.find(e => e.file === entryFile)!.entity;
    expect(root.kind).toBe('Location');
    const targets = spec(root).targets as string[];
    for (const target of targets) {
      expect(target).toMatch(/^\.\/[a-z0-9-]+\.yaml$/);
      expect(fs.existsSync(path.resolve(catalogRoot, target))).toBe(true);
    }
    const reached = files.map(f => path.relative(catalogRoot, f));
    expect(reached).toEqual(
      expect.arrayContaining([
        'all.yaml',
        'org.yaml',
        'domain.yaml',
        'iip.yaml',
        'iip-edge.yaml',
        'ms5.yaml',
        'ms5-edge.yaml',
        'platform-tooling.yaml',
      ]),
    );
    expect(all.length).toBeGreaterThan(60);
  });

  it('uses standard kinds with apiVersion backstage.io/v1alpha1 (plus Plantops Site/ProductionLine)', () => {
    const standard = [
      'Domain',
      'System',
      'Component',
      'Resource',
      'API',
      'Group',
      'User',
      'Location',
    ];
    const custom = ['Site', 'ProductionLine'];
    const wrong = all
      .filter(e =>
        standard.includes(e.kind)
          ? e.apiVersion !== 'backstage.io/v1alpha1'
          : !(
              custom.includes(e.kind) && e.apiVersion === 'plantops.io/v1alpha1'
            ),
      )
      .map(e => `${refOf(e)} (${e.apiVersion})`);
    expect(wrong).toEqual([]);
  });

  it('validates every entity with the catalog-model policies and kind schemas', async () => {
    const policy = EntityPolicies.allOf([
      new DefaultNamespaceEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new FieldFormatEntityPolicy(),
      new SchemaValidEntityPolicy(),
    ]);
    const kindValidators: KindValidator[] = [
      apiEntityV1alpha1Validator,
      componentEntityV1alpha1Validator,
      domainEntityV1alpha1Validator,
      groupEntityV1alpha1Validator,
      locationEntityV1alpha1Validator,
      resourceEntityV1alpha1Validator,
      systemEntityV1alpha1Validator,
      userEntityV1alpha1Validator,
    ];
    for (const { entity, file } of entities) {
      const where = `${refOf(entity)} in ${path.relative(repoRoot, file)}`;
      const copy = JSON.parse(JSON.stringify(entity)) as Entity;
      const enforced = await policy.enforce(copy).catch((err: Error) => {
        throw new Error(`${where}: ${err.message}`);
      });
      expect(enforced).toBeDefined();
      // Site / ProductionLine are validated by the Plantops catalog processor.
      if (entity.apiVersion === 'plantops.io/v1alpha1') continue;
      const results = await Promise.all(
        kindValidators.map(v =>
          v.check(enforced!).catch((err: Error) => {
            throw new Error(`${where}: ${err.message}`);
          }),
        ),
      );
      if (!results.includes(true)) {
        throw new Error(`${where}: no kind validator accepted the entity`);
      }
    }
  });

  it('uses default namespaces, lower-case dashed names and unique refs', () => {
    const refs = all.map(refOf);
    expect(new Set(refs).size).toBe(refs.length);
    for (const e of all) {
      expect({ ref: refOf(e), namespace: e.metadata.namespace }).toEqual({
        ref: refOf(e),
        namespace: undefined,
      });
      expect(e.metadata.name).toMatch(/^[a-z0-9A-Z_.-]{1,63}$/);
      expect(e.metadata.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const tag of e.metadata.tags ?? []) {
        expect(tag).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      }
    }
  });

  it('resolves every relation to an entity of an allowed kind in the files', () => {
    const dangling: string[] = [];
    for (const e of all) {
      const s = spec(e);
      for (const { field, defaultKind, allowedKinds } of relationFields) {
        const value = s[field];
        if (value === undefined) continue;
        const refs: string[] = Array.isArray(value) ? value : [value];
        for (const ref of refs) {
          let target: string;
          try {
            target = resolve(ref, defaultKind);
          } catch (err) {
            dangling.push(`${refOf(e)} spec.${field}: unparsable ${ref}`);
            continue;
          }
          const found = byRef.get(target);
          if (!found) {
            dangling.push(`${refOf(e)} spec.${field} -> ${target} (missing)`);
          } else if (allowedKinds && !allowedKinds.includes(found.kind)) {
            dangling.push(
              `${refOf(e)} spec.${field} -> ${target} (kind ${found.kind})`,
            );
          }
        }
      }
    }
    expect(dangling).toEqual([]);
  });

  it('contains the entities the operations guides name, with the right types', () => {
    const missing = REQUIRED.filter(ref => !byRef.has(ref));
    expect(missing).toEqual([]);
    for (const [ref, type] of Object.entries(EXPECTED_TYPES)) {
      expect({ ref, type: spec(byRef.get(ref)!).type }).toEqual({ ref, type });
    }
    expect(
      ofKind('Component').filter(c => spec(c).type === 'service').length,
    ).toBeGreaterThanOrEqual(7);
  });

  it('gives every Component, Resource and API a description, owner, lifecycle and system', () => {
    for (const e of [
      ...ofKind('Component'),
      ...ofKind('Resource'),
      ...ofKind('API'),
    ]) {
      const s = spec(e);
      const ref = refOf(e);
      expect({
        ref,
        hasDescription: (e.metadata.description ?? '').length > 30,
      }).toEqual({
        ref,
        hasDescription: true,
      });
      expect({ ref, lifecycle: s.lifecycle }).toEqual({
        ref,
        lifecycle: 'production',
      });
      expect({ ref, system: typeof s.system }).toEqual({
        ref,
        system: 'string',
      });
      expect(byRef.get(resolve(s.owner, 'Group'))?.kind).toBe('Group');
    }
    for (const e of ofKind('System')) {
      expect({
        ref: refOf(e),
        domain: resolve(spec(e).domain, 'Domain'),
      }).toEqual({
        ref: refOf(e),
        domain: 'domain:default/industrial-operations',
      });
    }
  });

  it('annotates every service Component for Kubernetes and Prometheus, owned by a Group', () => {
    for (const c of ofKind('Component').filter(
      e => spec(e).type === 'service',
    )) {
      const a = annotations(c);
      const ref = refOf(c);
      expect({ ref, id: a['backstage.io/kubernetes-id'] }).toEqual({
        ref,
        id: c.metadata.name,
      });
      expect({
        ref,
        ns: typeof a['backstage.io/kubernetes-namespace'],
      }).toEqual({
        ref,
        ns: 'string',
      });
      expect({
        ref,
        owner: byRef.get(resolve(spec(c).owner, 'Group'))?.kind,
      }).toEqual({
        ref,
        owner: 'Group',
      });
      expect(a['prometheus.io/alert']).toEqual(
        expect.stringContaining('ServiceDown'),
      );
    }
    // IIP workloads are deployed by ArgoCD application iip-platform-prod.
    for (const name of [
      'scada-service',
      'analytics-service',
      'ml-inference',
      'iip-frontend',
    ]) {
      expect(
        annotations(byRef.get(`component:default/${name}`)!)['argocd/app-name'],
      ).toBe('iip-platform-prod');
    }
    for (const name of [
      'iip-postgresql-primary',
      'ms5-postgres-primary',
      'ms5-postgres-secondary',
    ]) {
      expect(
        annotations(byRef.get(`resource:default/${name}`)!)[
          'prometheus.io/alert'
        ],
      ).toContain('DatabaseConnectionHigh');
    }
  });

  it('only names alerts that the guides define', () => {
    for (const e of all) {
      const value = annotations(e)['prometheus.io/alert'];
      if (value === undefined) continue;
      for (const alert of value.split(',')) {
        expect(KNOWN_ALERTS).toContain(alert);
      }
    }
  });

  it('describes clusters for the Kubernetes plugin without credentials', () => {
    const clusters = ofKind('Resource').filter(
      e => spec(e).type === 'kubernetes-cluster',
    );
    expect(clusters.length).toBeGreaterThanOrEqual(4);
    for (const c of clusters) {
      const a = annotations(c);
      expect(a['kubernetes.io/api-server']).toMatch(
        /^https:\/\/[a-z0-9.-]+(:\d+)?\/?$/,
      );
      expect(a['kubernetes.io/auth-provider']).toBe('serviceAccount');
      expect(
        a['kubernetes.io/api-server-certificate-authority'],
      ).toBeUndefined();
    }
    for (const e of all) {
      for (const key of Object.keys(annotations(e))) {
        expect(key).not.toMatch(/token|password|secret/i);
      }
    }
    const edgeCluster = byRef.get('resource:default/ms5-edge-k3s')!;
    expect(spec(edgeCluster).dependsOn).toContain(
      'resource:default/ms5-edge-jetson',
    );
    expect(
      byRef.get('resource:default/ms5-edge-jetson')!.metadata.description,
    ).toMatch(/Jetson Orin NX/);
  });

  it('links the telemetry topic to its broker and the APIs to their providers', () => {
    const topic = byRef.get('resource:default/ms5-telemetry')!;
    const brokers = (spec(topic).dependsOn as string[]).map(
      r => byRef.get(resolve(r))!,
    );
    expect(brokers.map(b => spec(b).type)).toContain('message-broker');
    const providers = (api: string) =>
      ofKind('Component')
        .filter(c =>
          (spec(c).providesApis ?? [])
            .map((r: string) => resolve(r, 'API'))
            .includes(api),
        )
        .map(c => c.metadata.name);
    expect(providers('api:default/ms5-gateway-api')).toEqual(['ms5-gateway']);
    expect(providers('api:default/ms5-telemetry-api')).toEqual([
      'edge-gateway',
    ]);
  });

  it('has API definitions that are OpenAPI 3 or AsyncAPI documents with the guide endpoints', () => {
    const problems: string[] = [];
    for (const api of ofKind('API')) {
      const s = spec(api);
      const ref = refOf(api);
      const doc = parseYaml(s.definition);
      if (s.type === 'openapi') {
        if (!/^3\./.test(String(doc.openapi)))
          problems.push(`${ref}: not OpenAPI 3`);
        if (!Object.keys(doc.paths ?? {}).length)
          problems.push(`${ref}: no paths`);
        if (!doc.info?.title) problems.push(`${ref}: no info.title`);
      } else if (s.type === 'asyncapi') {
        if (!/^[23]\./.test(String(doc.asyncapi)))
          problems.push(`${ref}: not AsyncAPI 2/3`);
        if (!Object.keys(doc.channels ?? {}).length)
          problems.push(`${ref}: no channels`);
      } else {
        problems.push(`${ref}: type ${s.type} is neither openapi nor asyncapi`);
      }
    }
    expect(problems).toEqual([]);
    const gateway = parseYaml(
      spec(byRef.get('api:default/ms5-gateway-api')!).definition,
    );
    expect(Object.keys(gateway.paths)).toContain('/health');
    expect(gateway.servers.map((x: { url: string }) => x.url)).toContain(
      'https://api-dr.ms5.example.com',
    );
    const telemetry = parseYaml(
      spec(byRef.get('api:default/ms5-telemetry-api')!).definition,
    );
    expect(Object.keys(telemetry.channels)).toEqual(['ms5.telemetry']);
  });

  it('models the organisation: teams under plantops and 6-10 users', () => {
    const org = byRef.get('group:default/plantops')!;
    expect(spec(org).type).toBe('organization');
    const teams = ofKind('Group').filter(g => g.metadata.name !== 'plantops');
    expect(teams.length).toBeGreaterThanOrEqual(6);
    for (const team of teams) {
      expect({
        team: team.metadata.name,
        type: spec(team).type,
        parent: spec(team).parent,
      }).toEqual({
        team: team.metadata.name,
        type: 'team',
        parent: 'plantops',
      });
      expect(spec(team).children).toEqual([]);
      expect(spec(org).children).toContain(team.metadata.name);
      expect((team.metadata.description ?? '').length).toBeGreaterThan(40);
    }
    const users = ofKind('User');
    expect(users.length).toBeGreaterThanOrEqual(6);
    expect(users.length).toBeLessThanOrEqual(10);
    for (const user of users) {
      expect(spec(user).memberOf.length).toBeGreaterThan(0);
      expect(spec(user).profile.displayName).toBeTruthy();
      expect(spec(user).profile.email).toMatch(/^[a-z.]+@plantops\.example$/);
    }
  });
});
