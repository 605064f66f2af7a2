import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import {
  CatalogReader,
  firstLine,
  KUBERNETES_ID_ANNOTATION,
  KubernetesClusterResolver,
  resolveEntityWorkload,
} from '@plantops/backstage-plugin-plant-node';
import type { Probe, ProbeResult } from './types';
import { notMonitored } from './types';

const notFound = (e: any) => e?.code === 404 || e?.response?.statusCode === 404 || /HTTP-Code: 404/.test(String(e?.message));

/**
 * The entity's workload (`backstage.io/kubernetes-id` on the cluster it
 * depends on): ready vs desired replicas, pod restarts, CrashLoopBackOff.
 * Without clusters in plant.kubernetes.clusters the workload is not monitored here.
 */
export class KubernetesProbe implements Probe {
  readonly name = 'kubernetes';

  constructor(
    private readonly resolver: KubernetesClusterResolver,
    private readonly catalog: CatalogReader,
    private readonly credentials: () => Promise<BackstageCredentials>,
  ) {}

  appliesTo(entity: Entity) {
    return Boolean(entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION]);
  }

  async run(entity: Entity): Promise<ProbeResult> {
    if (this.resolver.configuredClusters().length === 0) {
      const id = entity.metadata.annotations![KUBERNETES_ID_ANNOTATION];
      return notMonitored(`${KUBERNETES_ID_ANNOTATION} ${id}, but no cluster in plant.kubernetes.clusters`);
    }
    const credentials = await this.credentials();
    let w;
    let kubeConfig;
    try {
      w = await resolveEntityWorkload(this.catalog, stringifyEntityRef(entity), { credentials });
      ({ kubeConfig } = await this.resolver.kubeConfig(w.cluster, { credentials }));
    } catch (e: any) {
      return { status: 'unknown', message: e.message };
    }
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const where = `${w.cluster}/${w.namespace}`;
    let kind = 'Deployment';
    let desired: number;
    let ready: number;
    try {
      try {
        const d = await apps.readNamespacedDeployment({ name: w.name, namespace: w.namespace });
        desired = d.spec?.replicas ?? 1;
        ready = d.status?.readyReplicas ?? 0;
      } catch (e) {
        if (!notFound(e)) throw e;
        kind = 'StatefulSet';
        const s = await apps.readNamespacedStatefulSet({ name: w.name, namespace: w.namespace });
        desired = s.spec?.replicas ?? 1;
        ready = s.status?.readyReplicas ?? 0;
      }
    } catch (e: any) {
      if (notFound(e)) return { status: 'down', message: `no Deployment or StatefulSet ${w.name} in ${where}` };
      return { status: 'unknown', message: `Kubernetes API of ${w.cluster} could not be read: ${firstLine(e)}` };
    }
    const pods = (await core.listNamespacedPod({ namespace: w.namespace, labelSelector: w.labelSelector })).items;
    const statuses = pods.flatMap(p => p.status?.containerStatuses ?? []);
    const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
    const crashLooping = pods
      .filter(p => (p.status?.containerStatuses ?? []).some(c => c.state?.waiting?.reason === 'CrashLoopBackOff'))
      .map(p => p.metadata?.name ?? '?');
    const details = { kind, cluster: w.cluster, namespace: w.namespace, desired, ready, pods: pods.length, restarts, crashLoopBackOff: crashLooping.length };
    const summary = `${kind} ${w.name} in ${where}: ${ready} of ${desired} ready, ${restarts} restart(s)`;
    if (desired === 0) return { status: 'ok', message: `${kind} ${w.name} in ${where} is scaled to 0`, details };
    const crash = crashLooping.length ? `; CrashLoopBackOff: ${crashLooping.join(', ')}` : '';
    if (ready === 0) return { status: 'down', message: `${summary}${crash}`, details };
    if (ready < desired || crashLooping.length > 0) return { status: 'degraded', message: `${summary}${crash}`, details };
    return { status: 'ok', message: summary, details };
  }
}
