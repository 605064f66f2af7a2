/**
 * Test doubles for the Kubernetes and ArgoCD APIs: real HTTP servers on
 * 127.0.0.1 speaking the real REST paths and JSON, driven through the real
 * clients. See the package README.
 *
 * @packageDocumentation
 */
export { startKubernetesDouble } from './kubernetes/KubernetesDouble';
export type { KubernetesDouble, KubernetesDoubleOptions } from './kubernetes/KubernetesDouble';
export { startArgoCdDouble } from './argocd/ArgoCdDouble';
export type { ArgoCdDouble, ArgoCdDoubleOptions } from './argocd/ArgoCdDouble';
export type { RecordedRequest, FailureSpec, DoubleHooks } from './http';
