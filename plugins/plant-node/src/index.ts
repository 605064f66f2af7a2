/**
 * Backend library for the Plantops plugins: clients for Kubernetes, ArgoCD,
 * Prometheus and Alertmanager. Test doubles live in `./testing`.
 *
 * @packageDocumentation
 */
export * from './kubernetes';
export * from './argocd';
export * from './prometheus';
export * from './alertmanager';
export { firstLine } from './errors';
export { mapLimit } from './mapLimit';
