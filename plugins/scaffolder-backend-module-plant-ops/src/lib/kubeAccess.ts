import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * How a plant-ops action reaches a cluster named by its input (a catalog
 * Resource of type kubernetes-cluster). Production wires plant-node's cluster
 * resolution in; tests pass the Kubernetes double's KubeConfig.
 */
export interface KubeAccess {
  kubeConfig(
    clusterRef: string,
    opts: { field: string; credentials: BackstageCredentials },
  ): Promise<{ kubeConfig: KubeConfig; cluster: string }>;
}
