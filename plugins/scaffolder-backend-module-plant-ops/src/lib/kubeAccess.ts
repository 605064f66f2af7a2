import type { KubernetesClusterResolver } from '@plantops/backstage-plugin-plant-node';

/**
 * How a plant-ops action reaches the cluster its input names: plant-node's
 * KubernetesClusterResolver in production, the Kubernetes double's
 * KubeConfig in tests.
 */
export type KubeAccess = Pick<KubernetesClusterResolver, 'kubeConfig'>;
