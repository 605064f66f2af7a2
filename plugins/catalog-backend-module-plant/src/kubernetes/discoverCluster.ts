import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { DiscoveredWorkload } from './WorkloadStore';

/** The label that opts a workload into the catalog (value "true"). */
export const DEFAULT_OPT_IN_SELECTOR = 'plantops.io/catalog=true';

type Workload = {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } };
};

type Page = { items: Workload[]; metadata?: { _continue?: string } };

const KINDS: Array<{
  kind: DiscoveredWorkload['kind'];
  list: (api: AppsV1Api, req: { labelSelector: string; limit: number; _continue?: string }) => Promise<Page>;
}> = [
  { kind: 'Deployment', list: (api, req) => api.listDeploymentForAllNamespaces(req) },
  { kind: 'StatefulSet', list: (api, req) => api.listStatefulSetForAllNamespaces(req) },
  { kind: 'DaemonSet', list: (api, req) => api.listDaemonSetForAllNamespaces(req) },
];

/**
 * Lists the opted-in Deployments, StatefulSets and DaemonSets of one cluster
 * in all namespaces, page by page (`limit` + `continue`).
 */
export async function discoverCluster(
  cluster: string,
  kubeConfig: KubeConfig,
  options: { labelSelector: string; pageSize: number },
): Promise<DiscoveredWorkload[]> {
  const api = kubeConfig.makeApiClient(AppsV1Api);
  const found: DiscoveredWorkload[] = [];
  for (const { kind, list } of KINDS) {
    let next: string | undefined;
    do {
      const page = await list(api, {
        labelSelector: options.labelSelector,
        limit: options.pageSize,
        _continue: next,
      });
      for (const item of page.items) found.push(toWorkload(cluster, kind, item));
      next = page.metadata?._continue || undefined;
    } while (next);
  }
  return found;
}

function toWorkload(
  cluster: string,
  kind: DiscoveredWorkload['kind'],
  item: Workload,
): DiscoveredWorkload {
  const name = item.metadata?.name ?? '';
  const labels = item.metadata?.labels ?? {};
  const annotations = item.metadata?.annotations ?? {};
  const image = item.spec?.template?.spec?.containers?.[0]?.image ?? '';
  return {
    cluster,
    namespace: item.metadata?.namespace ?? 'default',
    kind,
    name,
    component: labels['backstage.io/kubernetes-id'] ?? name,
    image,
    version: labels['app.kubernetes.io/version'] ?? imageTag(image),
    details: {
      owner: annotations['plantops.io/owner'] ?? labels['plantops.io/owner'],
      system: annotations['plantops.io/system'] ?? labels['app.kubernetes.io/part-of'],
      site: annotations['plantops.io/site'],
      lifecycle: labels['plantops.io/lifecycle'],
      description: annotations['plantops.io/description'],
    },
  };
}

/** "repo/name:1.4.2" -> "1.4.2"; digests and untagged images have no version. */
function imageTag(image: string): string | undefined {
  const last = image.split('/').pop() ?? '';
  const at = last.indexOf('@');
  const tagged = at >= 0 ? last.slice(0, at) : last;
  const colon = tagged.indexOf(':');
  return colon >= 0 ? tagged.slice(colon + 1) : undefined;
}
