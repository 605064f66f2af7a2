import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesClusterResolver } from '@plantops/backstage-plugin-plant-node';

/**
 * How a plant-ops action reaches the cluster its input names: plant-node's
 * KubernetesClusterResolver in production, the Kubernetes double's
 * KubeConfig in tests.
 */
export type KubeAccess = Pick<KubernetesClusterResolver, 'kubeConfig'>;

/**
 * The cluster an action's `field` names, as an operation target: its
 * KubeConfig and the id (`cluster/...`, from `id`) audit records and
 * checkpoint keys use.
 */
export async function clusterTarget(
  kube: KubeAccess,
  ref: string,
  credentials: BackstageCredentials,
  id: (cluster: string) => string,
  field = 'cluster',
): Promise<{ cluster: string; kubeConfig: KubeConfig; id: string }> {
  const { kubeConfig, cluster } = await kube.kubeConfig(ref, { field, credentials });
  return { cluster, kubeConfig, id: id(cluster) };
}
