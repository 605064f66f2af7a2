/**
 * The Kubernetes API double as a process for the browser test (scripts/e2e.sh):
 * seeded with the scada-service Deployment of catalog/iip.yaml, whose pods the
 * Kubernetes tab must show, at its second revision (so a rollback has one to
 * go back to), and beside it the ArgoCD API double with scada-service's
 * application (the templates' dry-runs read both). Writes {url, token, argocd:
 * {url, token}} to the file given as the first argument once they listen, and
 * runs until SIGTERM/SIGINT.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/app/e2e-tests/support/kubernetesDouble.ts .services/e2e-kubernetes.json
 */
import { writeFileSync } from 'node:fs';
import { startArgoCdDouble, startKubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';

// The labels the Kubernetes plugin's multiTenant locator matches: the entity's
// backstage.io/kubernetes-label-selector (app=scada-service) in its
// backstage.io/kubernetes-namespace, and backstage.io/kubernetes-id.
const labels = { app: 'scada-service', 'backstage.io/kubernetes-id': 'scada-service' };

const scadaService = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'scada-service', namespace: 'iip-applications', labels },
  spec: {
    replicas: 2,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: 'scada-service',
            image: 'registry.plantops.example/iip/scada-service:1.4.1',
            ports: [{ containerPort: 8080, name: 'http' }],
            resources: { requests: { cpu: '500m', memory: '1Gi' } },
          },
        ],
      },
    },
  },
};

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: kubernetesDouble.ts <file to write {url, token} to>');
  const k8s = await startKubernetesDouble({ podReadyDelayMs: 200 });
  k8s.seed(scadaService);
  await k8s.waitFor('apps/v1', 'Deployment', 'iip-applications', 'scada-service', d => d.status?.readyReplicas === 2, 30_000);
  // revision 2: the image the catalog describes
  const patched = await fetch(`${k8s.url}/apis/apps/v1/namespaces/iip-applications/deployments/scada-service`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${k8s.token}`, 'content-type': 'application/strategic-merge-patch+json' },
    body: JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'scada-service', image: 'registry.plantops.example/iip/scada-service:1.4.2' }] } } } }),
  });
  if (!patched.ok) throw new Error(`setting the image of scada-service: ${patched.status} ${await patched.text()}`);
  await k8s.waitFor(
    'apps/v1',
    'Deployment',
    'iip-applications',
    'scada-service',
    d => d.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '2' && d.status?.updatedReplicas === 2 && d.status?.readyReplicas === 2 && d.status?.replicas === 2,
    30_000,
  );
  const argo = await startArgoCdDouble({ syncDelayMs: 200 });
  argo.seed({ name: 'iip-platform-prod', history: ['4f2a9c1', '9b7e3d0'], autoSync: false });
  writeFileSync(out, JSON.stringify({ url: k8s.url, token: k8s.token, argocd: { url: argo.url, token: argo.token } }), { mode: 0o600 });
  process.stdout.write(`Kubernetes API double on ${k8s.url}: Deployment iip-applications/scada-service with 2 ready pods; ArgoCD API double on ${argo.url}\n`);
  const stop = () => void Promise.all([k8s.stop(), argo.stop()]).finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(e => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
