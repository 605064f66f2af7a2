import {
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  PolicyV1Api,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { startKubernetesDouble, KubernetesDouble } from './KubernetesDouble';

const deployment = (name: string, image: string, replicas = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'ms5', labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name, image, env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] },
    },
  },
});

/** The `Status` body of a failed client call. */
async function failure(p: Promise<unknown>): Promise<{ code: number; status: any }> {
  try {
    await p;
  } catch (e: any) {
    return { code: e.code, status: typeof e.body === 'string' ? JSON.parse(e.body) : e.body };
  }
  throw new Error('expected the call to fail');
}

describe('Kubernetes double through @kubernetes/client-node', () => {
  let k8s: KubernetesDouble;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeEach(async () => {
    k8s = await startKubernetesDouble({ podReadyDelayMs: 20, progressDeadlineMs: 400 });
    kc = k8s.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    k8s.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ms5' } });
  });

  afterEach(() => k8s.stop());

  it('refuses requests without the right bearer token with a Status 401', async () => {
    const anon = new KubeConfig();
    anon.loadFromOptions({
      clusters: [{ name: 'c', server: k8s.url, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'not-the-token' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    const res = await failure(anon.makeApiClient(CoreV1Api).listNamespace());
    expect(res.code).toBe(401);
    // the client drops a 401's body; the wire carries a Status
    const raw = await fetch(`${k8s.url}/api/v1/namespaces`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('creates with uid, resourceVersion and timestamps, and says AlreadyExists and NotFound as Status objects', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'ms5',
      body: { metadata: { name: 'settings' }, data: { a: '1' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);

    const dup = await failure(
      core.createNamespacedConfigMap({ namespace: 'ms5', body: { metadata: { name: 'settings' } } }),
    );
    expect(dup.code).toBe(409);
    expect(dup.status).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "settings" already exists' });

    const missing = await failure(apps.readNamespacedDeployment({ name: 'nope', namespace: 'ms5' }));
    expect(missing.code).toBe(404);
    expect(missing.status).toMatchObject({ reason: 'NotFound', message: 'deployments.apps "nope" not found' });

    const noNs = await failure(core.createNamespacedSecret({ namespace: 'ghost', body: { metadata: { name: 's' } } }));
    expect(noNs.status.message).toBe('namespaces "ghost" not found');
  });

  it('lists with label and field selectors, pages with limit and continue, and lists across namespaces', async () => {
    k8s.seed(
      ...Array.from({ length: 5 }, (_, i) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p${i}`, namespace: i < 3 ? 'ms5' : 'iip', labels: { tier: i % 2 ? 'db' : 'web', ...(i === 4 ? { canary: 'yes' } : {}) } },
        spec: { nodeName: i === 0 ? 'node-a' : 'node-b', containers: [{ name: 'c', image: 'x' }] },
      })),
    );
    const names = (l: { items: any[] }) => l.items.map(p => p.metadata.name);
    expect(names(await core.listNamespacedPod({ namespace: 'ms5', labelSelector: 'tier=web' }))).toEqual(['p0', 'p2']);
    expect(names(await core.listPodForAllNamespaces({ labelSelector: 'tier!=web' }))).toEqual(['p3', 'p1']);
    expect(names(await core.listPodForAllNamespaces({ labelSelector: 'tier in (db, web),canary' }))).toEqual(['p4']);
    expect(names(await core.listPodForAllNamespaces({ labelSelector: '!canary,tier notin (db)' }))).toEqual(['p0', 'p2']);
    expect(names(await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=node-a' }))).toEqual(['p0']);
    expect(names(await core.listPodForAllNamespaces({ fieldSelector: 'metadata.namespace=iip,metadata.name!=p3' }))).toEqual(['p4']);

    const first = await core.listPodForAllNamespaces({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata?.remainingItemCount).toBe(3);
    const seen = names(first);
    let token = first.metadata?._continue;
    while (token) {
      const page = await core.listPodForAllNamespaces({ limit: 2, _continue: token });
      expect(page.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
      seen.push(...names(page));
      token = page.metadata?._continue;
    }
    expect(seen.sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);

    k8s.compact();
    const expired = await failure(core.listPodForAllNamespaces({ limit: 2, _continue: first.metadata!._continue }));
    expect(expired.code).toBe(410);
    expect(expired.status.reason).toBe('Expired');
  });

  it('pages across namespaces when one namespace name is a prefix of another (ns-1, ns-10)', async () => {
    const namespaces = ['ns-1', 'ns-10', 'ns-2'];
    k8s.seed(
      ...namespaces.map(name => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
      ...namespaces.flatMap(namespace =>
        ['a', 'b'].map(n => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${namespace}-${n}`, namespace }, spec: { containers: [{ name: 'c', image: 'x' }] } })),
      ),
    );
    const all = (await core.listPodForAllNamespaces({})).items.map(p => p.metadata!.name!);
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await core.listPodForAllNamespaces({ limit, _continue: token });
        seen.push(...page.items.map(p => p.metadata!.name!));
        token = page.metadata?._continue;
      } while (token);
      // every item exactly once, in the unpaged list's order
      expect({ limit, seen }).toEqual({ limit, seen: all });
    }
    expect([...all].sort()).toEqual(['ns-1-a', 'ns-1-b', 'ns-10-a', 'ns-10-b', 'ns-2-a', 'ns-2-b']);
  });

  it('replace refuses a stale resourceVersion with 409 Conflict and bumps generation only on spec changes', async () => {
    await apps.createNamespacedDeployment({ namespace: 'ms5', body: deployment('oee', 'oee:1') });
    // the controller writes status and the revision annotation too: read after it settled
    await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'oee', d => d.status?.availableReplicas === 2);
    const a = await apps.readNamespacedDeployment({ name: 'oee', namespace: 'ms5' });
    expect(a.metadata?.generation).toBe(1);
    a.spec!.template.spec!.containers[0].image = 'oee:2';
    const b = await apps.replaceNamespacedDeployment({ name: 'oee', namespace: 'ms5', body: a });
    expect(b.metadata?.generation).toBe(2);
    const conflict = await failure(apps.replaceNamespacedDeployment({ name: 'oee', namespace: 'ms5', body: a }));
    expect(conflict.code).toBe(409);
    expect(conflict.status.reason).toBe('Conflict');
    expect(conflict.status.message).toContain('the object has been modified');

    const labelled = await apps.patchNamespacedDeployment(
      { name: 'oee', namespace: 'ms5', body: { metadata: { labels: { team: 'ms5' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(labelled.metadata?.generation).toBe(2);
    expect(Number(labelled.metadata?.resourceVersion)).toBeGreaterThan(Number(b.metadata?.resourceVersion));
  });

  it('applies merge, strategic-merge (containers and env by name) and json patches', async () => {
    await apps.createNamespacedDeployment({ namespace: 'ms5', body: deployment('api', 'api:1') });
    const strategic = await apps.patchNamespacedDeployment(
      {
        name: 'api',
        namespace: 'ms5',
        body: { spec: { template: { spec: { containers: [{ name: 'api', image: 'api:2', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const c = strategic.spec!.template.spec!.containers;
    expect(c).toHaveLength(1);
    expect(c[0].image).toBe('api:2');
    expect(c[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '3' },
      { name: 'C', value: '4' },
    ]);

    const merge = await apps.patchNamespacedDeployment(
      { name: 'api', namespace: 'ms5', body: { spec: { template: { spec: { containers: [{ name: 'api', image: 'api:3' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    // a merge patch replaces the whole list: env is gone
    expect(merge.spec!.template.spec!.containers[0].env).toBeUndefined();

    const json = await apps.patchNamespacedDeployment(
      { name: 'api', namespace: 'ms5', body: [{ op: 'replace', path: '/spec/replicas', value: 4 }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(json.spec?.replicas).toBe(4);

    const bad = await failure(
      apps.patchNamespacedDeployment(
        { name: 'api', namespace: 'ms5', body: [{ op: 'replace', path: '/spec/nothing/here', value: 1 }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    expect(bad.code).toBe(422);
  });

  it('runs the Deployment controller: ReplicaSets with revisions, pods with the template labels, status', async () => {
    await apps.createNamespacedDeployment({ namespace: 'ms5', body: deployment('web', 'web:1', 3) });
    const done = await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'web', d => d.status?.availableReplicas === 3);
    expect(done.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3 });
    expect(done.status.conditions.find((x: any) => x.type === 'Progressing').reason).toBe('NewReplicaSetAvailable');
    expect(done.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');

    const pods = await core.listNamespacedPod({ namespace: 'ms5', labelSelector: 'app=web' });
    expect(pods.items).toHaveLength(3);
    expect(pods.items[0].metadata?.labels?.['pod-template-hash']).toMatch(/^[0-9a-f]{10}$/);
    expect(pods.items.every(p => p.status?.phase === 'Running')).toBe(true);

    await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'ms5', body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'web', d =>
      d.status?.observedGeneration === 2 && d.status?.updatedReplicas === 3 && d.status?.replicas === 3 && d.status?.availableReplicas === 3,
    );
    const rs = await apps.listNamespacedReplicaSet({ namespace: 'ms5', labelSelector: 'app=web' });
    const byRevision = Object.fromEntries(
      rs.items.map(r => [r.metadata?.annotations?.['deployment.kubernetes.io/revision'], r.spec?.replicas]),
    );
    expect(byRevision).toEqual({ '1': 0, '2': 3 });

    const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'ms5' });
    expect(scale.spec?.replicas).toBe(3);
    await apps.replaceNamespacedDeploymentScale({ name: 'web', namespace: 'ms5', body: { ...scale, spec: { replicas: 1 } } });
    await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'web', d => d.status?.replicas === 1 && d.status?.availableReplicas === 1);
  });

  it('reports ProgressDeadlineExceeded when the new pods never become ready', async () => {
    k8s.seed(deployment('line', 'line:1', 2));
    await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'line', d => d.status?.availableReplicas === 2);
    await apps.patchNamespacedDeployment(
      { name: 'line', namespace: 'ms5', body: { spec: { template: { spec: { containers: [{ name: 'line', image: 'line:broken' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const stuck = await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'line', d =>
      d.status?.conditions?.some((c: any) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded'),
    );
    const progressing = stuck.status.conditions.find((c: any) => c.type === 'Progressing');
    expect(progressing.status).toBe('False');
    // the old pods keep serving
    expect(stuck.status.availableReplicas).toBe(2);
    expect(stuck.status.updatedReplicas).toBe(2);
    const pods = await core.listNamespacedPod({ namespace: 'ms5', labelSelector: 'app=line' });
    const waiting = pods.items.filter(p => p.status?.containerStatuses?.[0]?.state?.waiting);
    expect(waiting[0].status?.containerStatuses?.[0].state?.waiting?.reason).toBe('ImagePullBackOff');
  });

  it('gives DaemonSets a pod per schedulable node, StatefulSets ordinal pods, and deletes dependents with their owner', async () => {
    k8s.seed(
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-1' }, spec: {} },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-2' }, spec: { unschedulable: true } },
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'opcua-agent', namespace: 'ms5' },
        spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } } },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'kafka', namespace: 'ms5' },
        spec: { replicas: 3, selector: { matchLabels: { app: 'kafka' } }, template: { metadata: { labels: { app: 'kafka' } }, spec: { containers: [{ name: 'k', image: 'kafka:4' }] } } },
      },
    );
    const ds = await k8s.waitFor('apps/v1', 'DaemonSet', 'ms5', 'opcua-agent', d => d.status?.numberReady === 1);
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1, observedGeneration: 1 });
    expect((await core.listPodForAllNamespaces({ labelSelector: 'app=agent' })).items.map(p => p.spec?.nodeName)).toEqual(['edge-1']);
    await k8s.waitFor('apps/v1', 'StatefulSet', 'ms5', 'kafka', s => s.status?.readyReplicas === 3);
    const kafka = await core.listNamespacedPod({ namespace: 'ms5', labelSelector: 'app=kafka' });
    expect(kafka.items.map(p => p.metadata?.name)).toEqual(['kafka-0', 'kafka-1', 'kafka-2']);
    expect(kafka.items.every(p => p.spec?.nodeName === 'edge-1')).toBe(true);

    await apps.createNamespacedDeployment({ namespace: 'ms5', body: deployment('gone', 'gone:1', 2) });
    await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'gone', d => d.status?.availableReplicas === 2);
    await apps.deleteNamespacedDeployment({ name: 'gone', namespace: 'ms5' });
    expect((await apps.listNamespacedReplicaSet({ namespace: 'ms5', labelSelector: 'app=gone' })).items).toEqual([]);
    expect((await core.listNamespacedPod({ namespace: 'ms5', labelSelector: 'app=gone' })).items).toEqual([]);
  });

  it('streams watch events from a resourceVersion, and says 410 Expired for a compacted one', async () => {
    const start = await core.listNamespacedConfigMap({ namespace: 'ms5' });
    const events: string[] = [];
    const watch = new Watch(kc);
    const ended = new Promise<void>(resolve => {
      void watch.watch(
        '/api/v1/namespaces/ms5/configmaps',
        { resourceVersion: start.metadata?.resourceVersion, labelSelector: 'watched=yes' },
        (type, obj) => {
          events.push(`${type} ${obj.metadata.name}`);
          if (events.length === 3) resolve();
        },
        () => resolve(),
      );
    });
    await core.createNamespacedConfigMap({ namespace: 'ms5', body: { metadata: { name: 'a', labels: { watched: 'yes' } } } });
    await core.createNamespacedConfigMap({ namespace: 'ms5', body: { metadata: { name: 'ignored' } } });
    await core.patchNamespacedConfigMap(
      { name: 'a', namespace: 'ms5', body: { data: { k: 'v' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'ms5' });
    await ended;
    expect(events).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);

    k8s.compact();
    const errors: any[] = [];
    await new Promise<void>(resolve => {
      void watch.watch(
        '/api/v1/namespaces/ms5/configmaps',
        { resourceVersion: start.metadata?.resourceVersion },
        (type, obj) => errors.push({ type, obj }),
        () => resolve(),
      );
    });
    expect(errors).toEqual([{ type: 'ERROR', obj: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);
  });

  it('evicts pods only as far as their PodDisruptionBudget allows (429 otherwise)', async () => {
    // replacement pods take a while to turn ready, so the budget is spent after one eviction
    await k8s.stop();
    k8s = await startKubernetesDouble({ podReadyDelayMs: 300 });
    kc = k8s.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    k8s.seed(deployment('broker', 'kafka:4', 2), {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'broker', namespace: 'ms5' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'broker' } } },
    });
    await k8s.waitFor('apps/v1', 'Deployment', 'ms5', 'broker', d => d.status?.availableReplicas === 2);
    const pdb = await k8s.waitFor('policy/v1', 'PodDisruptionBudget', 'ms5', 'broker', p => p.status?.disruptionsAllowed === 1);
    expect(pdb.status).toMatchObject({ currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    const pods = (await core.listNamespacedPod({ namespace: 'ms5', labelSelector: 'app=broker' })).items;
    const evict = (name: string) =>
      core.createNamespacedPodEviction({
        name,
        namespace: 'ms5',
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'ms5' } },
      });
    await evict(pods[0].metadata!.name!);
    const refused = await failure(evict(pods[1].metadata!.name!));
    expect(refused.code).toBe(429);
    expect(refused.status).toMatchObject({ reason: 'TooManyRequests', details: { causes: [expect.objectContaining({ reason: 'DisruptionBudget' })] } });
    // the ReplicaSet replaces the evicted pod; once it is ready the budget allows the next eviction
    await k8s.waitFor('policy/v1', 'PodDisruptionBudget', 'ms5', 'broker', p => p.status?.disruptionsAllowed === 1);
    await evict(pods[1].metadata!.name!);
    const policy = kc.makeApiClient(PolicyV1Api);
    expect((await policy.listNamespacedPodDisruptionBudget({ namespace: 'ms5' })).items).toHaveLength(1);
  });

  it('serves every object type the Kubernetes plugin fetches by default, as lists of the real shape', async () => {
    // @backstage/plugin-kubernetes-backend's DEFAULT_OBJECTS: the Kubernetes tab
    // asks for each of them in the entity's namespace with its label selector.
    const paths = [
      '/api/v1/namespaces/ms5/pods',
      '/api/v1/namespaces/ms5/services',
      '/api/v1/namespaces/ms5/configmaps',
      '/api/v1/namespaces/ms5/limitranges',
      '/api/v1/namespaces/ms5/resourcequotas',
      '/apis/apps/v1/namespaces/ms5/deployments',
      '/apis/apps/v1/namespaces/ms5/replicasets',
      '/apis/autoscaling/v2/namespaces/ms5/horizontalpodautoscalers',
      '/apis/batch/v1/namespaces/ms5/jobs',
      '/apis/batch/v1/namespaces/ms5/cronjobs',
      '/apis/networking.k8s.io/v1/namespaces/ms5/ingresses',
      '/apis/apps/v1/namespaces/ms5/statefulsets',
      '/apis/apps/v1/namespaces/ms5/daemonsets',
    ];
    const lists = await Promise.all(
      paths.map(async path => {
        const res = await fetch(`${k8s.url}${path}?labelSelector=${encodeURIComponent('app=oee')}`, {
          headers: { authorization: `Bearer ${k8s.token}` },
        });
        return { path, status: res.status, body: await res.json() };
      }),
    );
    for (const { path, status, body } of lists) {
      expect({ path, status }).toEqual({ path, status: 200 });
      expect(Object.keys(body).sort()).toEqual(['apiVersion', 'items', 'kind', 'metadata']);
      expect(body.kind).toMatch(/List$/);
      expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
      expect(body.items).toEqual([]);
    }
    expect(lists.map(l => `${l.body.apiVersion} ${l.body.kind}`)).toContain('autoscaling/v2 HorizontalPodAutoscalerList');
    // and the API discovery names the new groups
    const groups = await (await fetch(`${k8s.url}/apis`, { headers: { authorization: `Bearer ${k8s.token}` } })).json();
    expect(groups.groups.map((g: any) => g.preferredVersion.groupVersion)).toEqual(expect.arrayContaining(['autoscaling/v2', 'batch/v1']));

    // Objects of the new types go through the typed clients like any other.
    const batch = kc.makeApiClient(BatchV1Api);
    const autoscaling = kc.makeApiClient(AutoscalingV2Api);
    const labels = { app: 'oee' };
    await batch.createNamespacedCronJob({
      namespace: 'ms5',
      body: {
        metadata: { name: 'oee-rollup', labels },
        spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'oee:1' }] } } } } },
      },
    });
    await autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace: 'ms5',
      body: {
        metadata: { name: 'oee', labels },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'oee' }, minReplicas: 1, maxReplicas: 4 },
      },
    });
    k8s.seed(
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'ms5-quota', namespace: 'ms5' }, spec: { hard: { pods: '20' } } },
      { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'ms5-limits', namespace: 'ms5' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m' } }] } },
    );
    expect((await batch.listNamespacedCronJob({ namespace: 'ms5', labelSelector: 'app=oee' })).items.map(c => c.spec?.schedule)).toEqual(['*/5 * * * *']);
    expect((await batch.listJobForAllNamespaces({})).items).toEqual([]);
    const hpa = await autoscaling.readNamespacedHorizontalPodAutoscaler({ namespace: 'ms5', name: 'oee' });
    expect(hpa.spec?.maxReplicas).toBe(4);
    expect((await core.listNamespacedResourceQuota({ namespace: 'ms5' })).items.map(q => q.spec?.hard)).toEqual([{ pods: '20' }]);
    expect((await core.listNamespacedLimitRange({ namespace: 'ms5' })).items.map(l => l.metadata?.name)).toEqual(['ms5-limits']);
  });

  it('serves Velero Backups as custom resources, injects failures and latency, and logs requests', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const backup = await custom.createNamespacedCustomObject({
      group: 'velero.io',
      version: 'v1',
      namespace: 'ms5',
      plural: 'backups',
      body: { apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: 'nightly' }, spec: { includedNamespaces: ['ms5'] } },
    });
    expect(backup.metadata.generation).toBe(1);
    k8s.setStatus('velero.io/v1', 'Backup', 'ms5', 'nightly', { phase: 'Completed', errors: 0 });
    const read = await custom.getNamespacedCustomObject({ group: 'velero.io', version: 'v1', namespace: 'ms5', plural: 'backups', name: 'nightly' });
    expect(read.status.phase).toBe('Completed');

    k8s.failNext('/api/v1/namespaces/ms5/secrets', { times: 2, code: 429, reason: 'TooManyRequests', message: 'slow down' });
    expect((await failure(core.listNamespacedSecret({ namespace: 'ms5' }))).status.reason).toBe('TooManyRequests');
    expect((await failure(core.listNamespacedSecret({ namespace: 'ms5' }))).code).toBe(429);
    await expect(core.listNamespacedSecret({ namespace: 'ms5' })).resolves.toMatchObject({ items: [] });

    k8s.setLatency(150, '/api/v1/namespaces/ms5/secrets');
    const t0 = Date.now();
    await core.listNamespacedSecret({ namespace: 'ms5' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

    expect(k8s.writes().map(r => `${r.method} ${r.path}`)).toEqual(['POST /apis/velero.io/v1/namespaces/ms5/backups']);
  });
});
