import type { V1Pod } from '@kubernetes/client-node';

/** kubectl drain's switches that decide what may be evicted. */
export interface DrainOptions {
  /** Skip DaemonSet pods (kubectl --ignore-daemonsets); otherwise they block the drain. */
  ignoreDaemonSets: boolean;
  /** Evict pods with emptyDir volumes, losing that data (kubectl --delete-emptydir-data). */
  deleteEmptyDirData: boolean;
  /** Evict pods no controller will recreate (kubectl --force). */
  force: boolean;
}

export interface PodRef {
  namespace: string;
  name: string;
}

export interface DrainPlan {
  /** Pods to evict, with a warning where kubectl would print one. */
  evict: Array<PodRef & { warning?: string }>;
  /** Pods left on the node on purpose (DaemonSet, mirror pods). */
  skip: Array<PodRef & { reason: string }>;
  /** Pods that stop the drain unless an option allows them; each names the option. */
  blocking: Array<PodRef & { reason: string }>;
}

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

function ref(pod: V1Pod): PodRef {
  return { namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata?.name ?? '' };
}

function isFinished(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Sorts the pods of a node the way `kubectl drain` does (its filters in
 * k8s.io/kubectl/pkg/drain): mirror pods and, with ignoreDaemonSets,
 * DaemonSet pods stay; finished pods go without question; pods with emptyDir
 * data or without a controller block unless the matching option is set.
 * Planning before cordoning lets a blocked drain leave the node untouched.
 */
export function planDrain(pods: V1Pod[], options: DrainOptions): DrainPlan {
  const plan: DrainPlan = { evict: [], skip: [], blocking: [] };
  for (const pod of pods) {
    const r = ref(pod);
    if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) {
      plan.skip.push({ ...r, reason: 'mirror pod (static pod managed by the kubelet)' });
      continue;
    }
    if (isFinished(pod)) {
      plan.evict.push(r);
      continue;
    }
    const controller = pod.metadata?.ownerReferences?.find(o => o.controller);
    if (controller?.kind === 'DaemonSet') {
      if (options.ignoreDaemonSets) {
        plan.skip.push({ ...r, reason: `DaemonSet-managed (${controller.name})` });
      } else {
        plan.blocking.push({ ...r, reason: `DaemonSet-managed (${controller.name}); set ignoreDaemonSets to leave it` });
      }
      continue;
    }
    const warnings: string[] = [];
    const emptyDirs = (pod.spec?.volumes ?? []).filter(v => v.emptyDir).map(v => v.name);
    if (emptyDirs.length > 0) {
      if (!options.deleteEmptyDirData) {
        plan.blocking.push({
          ...r,
          reason: `has local storage in emptyDir volumes (${emptyDirs.join(', ')}); set deleteEmptyDirData to evict it and lose that data`,
        });
        continue;
      }
      warnings.push(`deleting emptyDir data (${emptyDirs.join(', ')})`);
    }
    if (!controller) {
      if (!options.force) {
        plan.blocking.push({
          ...r,
          reason: 'is not managed by a ReplicaSet, Job, DaemonSet, StatefulSet or ReplicationController; set force to evict it (it will not come back)',
        });
        continue;
      }
      warnings.push('not managed by a controller: it will not be recreated');
    }
    plan.evict.push(warnings.length ? { ...r, warning: warnings.join('; ') } : r);
  }
  return plan;
}
