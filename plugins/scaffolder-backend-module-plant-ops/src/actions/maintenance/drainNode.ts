import { CoreV1Api, PolicyV1Api, type V1Pod, type V1PodDisruptionBudget } from '@kubernetes/client-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { PlantOpsDeps } from '../../deps';
import { parseInput, type InputShape } from '../../lib/input';
import { clusterTarget, type KubeAccess } from '../../lib/kubeAccess';
import { describeKubeError, kubeStatus } from '../../lib/kubeErrors';
import { CancelledError, sleep } from '../../lib/wait';
import { planDrain, type PodRef } from './drainPlan';
import { examples } from './drainNode.examples';
import { readNode, setUnschedulable } from './nodes';
import { dryRunInput } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export interface DrainNodeActionOptions extends Pick<PlantOpsDeps, 'auditor'> {
  kube: KubeAccess;
  /** Pause between eviction retries while a PodDisruptionBudget says no (kubectl: 5 s). */
  retryIntervalMs?: number;
}

const inputShape = {
  ...dryRunInput,
  cluster: z => z.string().describe('Catalog Resource of type kubernetes-cluster the node belongs to'),
  node: z => z.string().min(1).describe('Name of the node to drain, as kubectl get nodes shows it'),
  ignoreDaemonSets: z => z.boolean().default(true).describe('Leave DaemonSet pods on the node (kubectl --ignore-daemonsets, as the IIP guide runs it); false makes them block the drain'),
  deleteEmptyDirData: z => z.boolean().default(false).describe('Evict pods with emptyDir volumes and lose that data (kubectl --delete-emptydir-data)'),
  force: z => z.boolean().default(false).describe('Evict pods no controller manages; they will not come back (kubectl --force)'),
  timeoutSeconds: z => z.number().int().min(1).default(300).describe('How long to keep retrying evictions refused by a PodDisruptionBudget and to wait for pods to go'),
} satisfies InputShape;

const podKey = (p: PodRef) => `${p.namespace}/${p.name}`;

function selects(pdb: V1PodDisruptionBudget, pod: V1Pod): boolean {
  const sel = pdb.spec?.selector;
  if (!sel || pdb.metadata?.namespace !== pod.metadata?.namespace) return false;
  const labels = pod.metadata?.labels ?? {};
  const byLabels = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpr = (sel.matchExpressions ?? []).every(e => {
    const has = e.key in labels;
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
  return byLabels && byExpr;
}

/**
 * plant:kubernetes:drain-node: kubectl drain through the Eviction API. Pods
 * are sorted first, so a drain that some pod would block fails before the
 * node is cordoned; then cordon, evict all at once, retry 429s from
 * PodDisruptionBudgets until the timeout, wait for the pods to be gone.
 */
export function createDrainNodeAction(options: DrainNodeActionOptions) {
  const { auditor, kube } = options;
  const retryIntervalMs = options.retryIntervalMs ?? 5000;
  return createTemplateAction({
    id: 'plant:kubernetes:drain-node',
    description:
      'Drains a node as kubectl drain does: cordons it, then evicts every pod through the Eviction API so PodDisruptionBudgets are respected (429s retried until the timeout), skipping DaemonSet and mirror pods. Reports what was evicted, skipped and blocked.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputShape,
      output: {
        cordoned: z => z.boolean().describe('The node is cordoned now (it may have been already)'),
        wasCordoned: z => z.boolean().describe('The node was already cordoned before this run'),
        evicted: z => z.array(z.string()).describe('Pods evicted and gone (namespace/name); in a dry run, those that would be'),
        skipped: z => z.array(z.object({ pod: z.string(), reason: z.string() })).describe('Pods left on the node on purpose (DaemonSet, mirror pods)'),
        blocked: z => z.array(z.object({ pod: z.string(), reason: z.string() })).describe('Pods still there: their eviction was refused (PodDisruptionBudget) until the timeout; in a dry run, those whose budget allows no disruption now'),
        warnings: z => z.array(z.string()).describe('What kubectl would warn about (lost emptyDir data, unmanaged pods)'),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputShape, ctx.input);
      const op = await startOperation(ctx, auditor, credentials => clusterTarget(kube, input.cluster, credentials, cluster => `${cluster}/node/${input.node}`));
      const { kubeConfig, cluster } = op.target;
      const { dryRun } = op;
      const core = kubeConfig.makeApiClient(CoreV1Api);
      const policy = kubeConfig.makeApiClient(PolicyV1Api);

      await op.run('plant:kubernetes:drain-node', {}, async (): Promise<JsonObject> => {
          const node = await readNode(core, input.node);
          const wasCordoned = Boolean(node.spec?.unschedulable);
          let pods: V1Pod[];
          let pdbs: V1PodDisruptionBudget[];
          try {
            pods = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${input.node}` })).items;
            pdbs = (await policy.listPodDisruptionBudgetForAllNamespaces()).items;
          } catch (e) {
            throw new Error(describeKubeError(`listing the pods of node ${input.node}`, e));
          }
          const plan = planDrain(pods, input);
          const warnings = plan.evict.filter(p => p.warning).map(p => `${podKey(p)}: ${p.warning}`);
          const skipped = plan.skip.map(s => ({ pod: podKey(s), reason: s.reason }));
          ctx.output('wasCordoned', wasCordoned);
          ctx.output('skipped', skipped);
          ctx.output('warnings', warnings);
          if (plan.blocking.length > 0) {
            ctx.output('cordoned', wasCordoned);
            ctx.output('evicted', []);
            ctx.output('blocked', plan.blocking.map(b => ({ pod: podKey(b), reason: b.reason })));
            throw new Error(
              `cannot drain node ${input.node}: ${plan.blocking.map(b => `${podKey(b)} ${b.reason}`).join('; ')}. Nothing was changed: the node was not cordoned`,
            );
          }
          const podByKey = new Map(pods.map(p => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]));
          const budgetOf = (r: PodRef) => {
            const pod = podByKey.get(podKey(r))!;
            return pdbs.filter(b => selects(b, pod));
          };

          if (dryRun) {
            const blockedNow = plan.evict
              .map(r => ({ r, b: budgetOf(r).find(b => (b.status?.disruptionsAllowed ?? 0) <= 0) }))
              .filter(x => x.b)
              .map(x => ({ pod: podKey(x.r), reason: `PodDisruptionBudget ${x.b!.metadata?.name} allows no disruption now (${x.b!.status?.currentHealthy ?? 0} healthy, ${x.b!.status?.desiredHealthy ?? 0} needed)` }));
            ctx.logger.info(`[dry run] would ${wasCordoned ? 'keep node cordoned' : 'cordon node'} ${input.node} and evict ${plan.evict.length} pods: ${plan.evict.map(podKey).join(', ') || 'none'}`);
            ctx.output('cordoned', wasCordoned);
            ctx.output('evicted', plan.evict.map(podKey));
            ctx.output('blocked', blockedNow);
            return { node: input.node, wouldEvict: plan.evict.length, blockedNow: blockedNow.length };
          }

          if (!wasCordoned) {
            await ctx.checkpoint({
              key: `cordon:${cluster}:${input.node}`,
              fn: async () => {
                await setUnschedulable(core, node, true);
                ctx.logger.info(`node/${input.node} cordoned`);
              },
            });
          }
          ctx.output('cordoned', true);

          const deadline = Date.now() + input.timeoutSeconds * 1000;
          const evicted: string[] = [];
          const blocked: { pod: string; reason: string }[] = [];
          const results = await Promise.allSettled(
            plan.evict.map(async r => {
              const outcome = await ctx.checkpoint({
                key: `evict:${cluster}:${input.node}:${podKey(r)}:${podByKey.get(podKey(r))?.metadata?.uid}`,
                fn: () => evictAndWait(core, podByKey.get(podKey(r))!, deadline, retryIntervalMs, ctx.signal),
              });
              if (outcome.ok) {
                evicted.push(podKey(r));
                ctx.logger.info(`evicted pod/${podKey(r)}`);
              } else {
                blocked.push({ pod: podKey(r), reason: outcome.reason });
              }
            }),
          );
          evicted.sort();
          blocked.sort((a, b) => a.pod.localeCompare(b.pod));
          ctx.output('evicted', evicted);
          ctx.output('blocked', blocked);
          const failure = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
          if (failure) {
            const why = failure.reason instanceof CancelledError ? 'cancelled' : (failure.reason as Error).message;
            throw new Error(`drain of node ${input.node} stopped (${why}). The node stays cordoned; evicted so far: ${evicted.join(', ') || 'none'}`);
          }
          if (blocked.length > 0) {
            throw new Error(
              `drain of node ${input.node} incomplete after ${input.timeoutSeconds} s: ${blocked.map(b => `${b.pod} (${b.reason})`).join('; ')}. The node stays cordoned; evicted: ${evicted.join(', ') || 'none'}. Scale up the workloads behind those budgets, or retry later`,
            );
          }
          ctx.logger.info(`node/${input.node} drained: ${evicted.length} evicted, ${skipped.length} skipped`);
          return { node: input.node, cordoned: true, wasCordoned, evicted: evicted.length, skipped: skipped.length };
        },
      );
    },
  });
}

type EvictOutcome = { ok: true } | { ok: false; reason: string };

/**
 * One pod's eviction as kubectl does it: 429 (a budget says no) is retried
 * until the deadline, 404 means it is gone already; then wait until the pod
 * is gone or replaced (another UID).
 */
async function evictAndWait(core: CoreV1Api, pod: V1Pod, deadline: number, retryMs: number, signal?: AbortSignal): Promise<EvictOutcome> {
  const namespace = pod.metadata!.namespace!;
  const name = pod.metadata!.name!;
  let lastRefusal = '';
  for (;;) {
    if (signal?.aborted) throw new CancelledError(`evicting pod ${namespace}/${name}`);
    try {
      await core.createNamespacedPodEviction({
        name,
        namespace,
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
      });
      break;
    } catch (e) {
      const s = kubeStatus(e);
      if (s?.code === 404) return { ok: true };
      if (s?.code === 429) {
        lastRefusal = s.message;
        const causes = (() => {
          try {
            return JSON.parse(String((e as any).body)).details?.causes?.map((c: any) => c.message).join('; ');
          } catch {
            return undefined;
          }
        })();
        if (causes) lastRefusal = `${s.message} ${causes}`;
        if (Date.now() + retryMs > deadline) return { ok: false, reason: lastRefusal };
        await sleep(retryMs, signal, `evicting pod ${namespace}/${name}`);
        continue;
      }
      if (s?.code === 500 && /more than one PodDisruptionBudget/.test(s.message)) {
        return { ok: false, reason: s.message };
      }
      throw new Error(describeKubeError(`evicting pod ${namespace}/${name}`, e));
    }
  }
  for (;;) {
    try {
      const now = await core.readNamespacedPod({ name, namespace });
      if (now.metadata?.uid !== pod.metadata?.uid) return { ok: true };
    } catch (e) {
      if (kubeStatus(e)?.code === 404) return { ok: true };
      throw new Error(describeKubeError(`waiting for pod ${namespace}/${name} to go`, e));
    }
    if (Date.now() >= deadline) return { ok: false, reason: 'evicted but still terminating at the timeout' };
    await sleep(Math.min(retryMs, 1000), signal, `waiting for pod ${namespace}/${name} to go`);
  }
}
