import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, fixedKubeAccess, runAction } from '../../lib/__testUtils__/actionHarness';
import { createDrainNodeAction } from './drainNode';

const NS = 'iip-applications';

function node(name: string, unschedulable = false) {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: unschedulable ? { unschedulable } : {} };
}

/** A running, ready pod on `nodeName`, owned by `owner` ([kind, name]) if given. */
function pod(name: string, nodeName: string, opts: { app?: string; owner?: [string, string]; emptyDir?: boolean; mirror?: boolean; namespace?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.namespace ?? NS,
      labels: opts.app ? { app: opts.app } : {},
      ...(opts.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'hash' } } : {}),
      ...(opts.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: opts.owner[0], name: opts.owner[1], uid: `uid-${opts.owner[1]}`, controller: true }] } : {}),
    },
    spec: {
      nodeName,
      containers: [{ name: 'main', image: 'registry.example/app:1.0' }],
      volumes: opts.emptyDir ? [{ name: 'scratch', emptyDir: {} }] : [],
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function pdb(name: string, app: string, minAvailable: number) {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: NS }, spec: { minAvailable, selector: { matchLabels: { app } } } };
}

describe('plant:kubernetes:drain-node', () => {
  let double: KubernetesDouble;

  beforeEach(async () => {
    double = await startKubernetesDouble();
    double.seed(
      node('iip-node-1'),
      node('iip-node-2'),
      pod('api-1', 'iip-node-1', { app: 'api', owner: ['ReplicaSet', 'api-rs'] }),
      pod('api-2', 'iip-node-2', { app: 'api', owner: ['ReplicaSet', 'api-rs'] }),
      pod('mqtt-0', 'iip-node-1', { app: 'mqtt', owner: ['StatefulSet', 'mqtt'] }),
      pod('node-exporter-x1', 'iip-node-1', { owner: ['DaemonSet', 'node-exporter'], namespace: 'monitoring' }),
      pod('kube-proxy-iip-node-1', 'iip-node-1', { mirror: true, namespace: 'kube-system' }),
      pdb('api-pdb', 'api', 1),
      pdb('mqtt-pdb', 'mqtt', 1),
    );
  });
  afterEach(() => double.stop());

  function setup() {
    const auditor = capturingAuditor();
    const action = createDrainNodeAction({ auditor, kube: fixedKubeAccess(double.kubeConfig(), 'iip-prod-cluster'), retryIntervalMs: 50 });
    return { auditor, action };
  }
  const input = { cluster: 'resource:default/iip-prod-cluster', node: 'iip-node-1', timeoutSeconds: 5 };
  const podsOn = (n: string) => double.list('v1', 'Pod').filter(p => p.spec.nodeName === n).map(p => `${p.metadata.namespace}/${p.metadata.name}`).sort();

  it('cordons, evicts through the Eviction API, retries a PodDisruptionBudget 429 until it allows, and skips DaemonSet and mirror pods', async () => {
    const { auditor, action } = setup();
    // mqtt has a single pod and a budget of 1: refused until a second replica is ready elsewhere.
    const scaleUp = (async () => {
      while (!double.requests.some(r => r.path.endsWith('/mqtt-0/eviction') && r.status === 429)) await new Promise(r => setTimeout(r, 10));
      double.seed(pod('mqtt-1', 'iip-node-2', { app: 'mqtt', owner: ['StatefulSet', 'mqtt'] }));
    })();
    const run = await runAction(action, input);
    await scaleUp;
    expect(run.error).toBeUndefined();
    expect(double.get('v1', 'Node', undefined, 'iip-node-1').spec.unschedulable).toBe(true);
    expect(run.output).toEqual({
      wasCordoned: false,
      cordoned: true,
      evicted: [`${NS}/api-1`, `${NS}/mqtt-0`],
      skipped: [
        { pod: 'kube-system/kube-proxy-iip-node-1', reason: 'mirror pod (static pod managed by the kubelet)' },
        { pod: 'monitoring/node-exporter-x1', reason: 'DaemonSet-managed (node-exporter)' },
      ],
      blocked: [],
      warnings: [],
    });
    expect(podsOn('iip-node-1')).toEqual(['kube-system/kube-proxy-iip-node-1', 'monitoring/node-exporter-x1']);
    const evictions = double.requests.filter(r => r.path.endsWith('/eviction'));
    expect(evictions.filter(r => r.path.includes('mqtt-0')).map(r => r.status)).toEqual(expect.arrayContaining([429, 201]));
    expect(evictions.find(r => r.path.includes('mqtt-0'))!.body).toEqual({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'mqtt-0', namespace: NS } });
    expect(double.writes().filter(r => r.method === 'DELETE')).toEqual([]); // never a plain delete
    expect(auditor.events[0]).toMatchObject({ meta: { target: 'iip-prod-cluster/node/iip-node-1' }, outcome: 'success' });
  });

  it('reports what a budget still blocks at the timeout, keeps the node cordoned, and says so', async () => {
    const { auditor, action } = setup();
    const run = await runAction(action, { ...input, timeoutSeconds: 1 });
    expect(run.output.evicted).toEqual([`${NS}/api-1`]);
    expect(run.output.blocked).toEqual([
      { pod: `${NS}/mqtt-0`, reason: "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget mqtt-pdb needs 1 healthy pods and has 1 currently" },
    ]);
    expect(run.error?.message).toBe(
      `drain of node iip-node-1 incomplete after 1 s: ${NS}/mqtt-0 (Cannot evict pod as it would violate the pod's disruption budget. The disruption budget mqtt-pdb needs 1 healthy pods and has 1 currently). The node stays cordoned; evicted: ${NS}/api-1. Scale up the workloads behind those budgets, or retry later`,
    );
    expect(double.get('v1', 'Node', undefined, 'iip-node-1').spec.unschedulable).toBe(true);
    expect(podsOn('iip-node-1')).toContain(`${NS}/mqtt-0`);
    expect(auditor.events[0].outcome).toBe('failure');
  });

  it('refuses before cordoning when a pod would block, naming the option, and changes nothing', async () => {
    double.seed(pod('cache-0', 'iip-node-1', { app: 'cache', owner: ['ReplicaSet', 'cache'], emptyDir: true }), pod('debug', 'iip-node-1'));
    const { action } = setup();
    double.clearRequests();
    const run = await runAction(action, input);
    expect(run.error?.message).toBe(
      `cannot drain node iip-node-1: ${NS}/cache-0 has local storage in emptyDir volumes (scratch); set deleteEmptyDirData to evict it and lose that data; ${NS}/debug is not managed by a ReplicaSet, Job, DaemonSet, StatefulSet or ReplicationController; set force to evict it (it will not come back). Nothing was changed: the node was not cordoned`,
    );
    expect(double.writes()).toEqual([]);

    double.seed(pod('mqtt-1', 'iip-node-2', { app: 'mqtt', owner: ['StatefulSet', 'mqtt'] }));
    const forced = await runAction(action, { ...input, deleteEmptyDirData: true, force: true });
    expect(forced.error).toBeUndefined();
    expect(forced.output.warnings).toEqual([`${NS}/cache-0: deleting emptyDir data (scratch)`, `${NS}/debug: not managed by a controller: it will not be recreated`]);
    expect(forced.output.evicted).toEqual([`${NS}/api-1`, `${NS}/cache-0`, `${NS}/debug`, `${NS}/mqtt-0`]);
  });

  it('dry run reads the node, its pods and the budgets, writes nothing, and says what a budget blocks now', async () => {
    const { auditor, action } = setup();
    double.clearRequests();
    const run = await runAction(action, input, { dryRun: true });
    expect(run.error).toBeUndefined();
    expect(double.writes()).toEqual([]);
    expect(run.output.evicted).toEqual([`${NS}/api-1`, `${NS}/mqtt-0`]);
    expect(run.output.blocked).toEqual([{ pod: `${NS}/mqtt-0`, reason: 'PodDisruptionBudget mqtt-pdb allows no disruption now (1 healthy, 1 needed)' }]);
    expect(run.output.cordoned).toBe(false);
    expect(double.get('v1', 'Node', undefined, 'iip-node-1').spec.unschedulable).toBeUndefined();
    expect(auditor.events[0].meta.dryRun).toBe(true);
  });

  it('stops retrying when the task is cancelled and says what it changed', async () => {
    const { action } = setup();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const run = await runAction(action, { ...input, timeoutSeconds: 60 }, { signal: abort.signal });
    expect(run.error?.message).toBe(`drain of node iip-node-1 stopped (cancelled). The node stays cordoned; evicted so far: ${NS}/api-1`);
  });

  it('names the field for a node that is not there', async () => {
    const { action } = setup();
    const run = await runAction(action, { ...input, node: 'iip-node-9' });
    expect(run.error?.message).toBe('node: no node "iip-node-9" in the cluster. Give a name from kubectl get nodes');
  });
});
