import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

/** A Deployment as the MS5.0 catalog describes them (labels app=<name>). */
export function deploymentManifest(name: string, image: string, replicas = 2, extraContainers: { name: string; image: string }[] = []) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'ms5', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, 'backstage.io/kubernetes-id': name } },
        spec: { containers: [{ name, image }, ...extraContainers] },
      },
    },
  };
}

/** The catalog slice the entityRef tests need: ms5-gateway on ms5-prod-aks. */
export function ms5Catalog() {
  return catalogServiceMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'ms5-gateway',
          namespace: 'default',
          annotations: { 'backstage.io/kubernetes-id': 'ms5-gateway', 'backstage.io/kubernetes-namespace': 'ms5', 'argocd/app-name': 'ms5-gateway' },
        },
        spec: { type: 'service', owner: 'group:default/mes-team', lifecycle: 'production', dependsOn: ['resource:default/ms5-prod-aks'] },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: { name: 'ms5-prod-aks', namespace: 'default', annotations: { 'kubernetes.io/api-server': 'https://ms5-prod-aks.ms5.example.com:443' } },
        spec: { type: 'kubernetes-cluster', owner: 'group:default/platform-team' },
      },
    ],
  });
}
