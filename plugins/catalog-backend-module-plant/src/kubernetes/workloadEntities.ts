import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  type Entity,
} from '@backstage/catalog-model';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
} from '@plantops/backstage-plugin-plant-node';
import { ANNOTATION_PLANTOPS_SITE } from '@plantops/backstage-plugin-plant-common';
import type { DiscoveredWorkload } from './WorkloadStore';

export const KUBERNETES_DISCOVERY_PROVIDER = 'plant-kubernetes-discovery';

/** Annotations discovery owns, on the Components it emits and the ones it enriches. */
export const ANNOTATION_KUBERNETES_CLUSTERS = 'plantops.io/kubernetes-clusters';
export const ANNOTATION_IMAGE = 'plantops.io/image';
export const ANNOTATION_VERSION = 'plantops.io/version';

/** At most this many clusters are named in the annotation (an edge service runs at every site). */
const CLUSTERS_SHOWN = 20;

/** Workloads grouped by the Component they belong to. */
export function byComponent(workloads: DiscoveredWorkload[]) {
  const groups = new Map<string, DiscoveredWorkload[]>();
  for (const w of workloads) {
    const group = groups.get(w.component);
    if (group) group.push(w);
    else groups.set(w.component, [w]);
  }
  return groups;
}

const unique = <T>(values: T[]) => [...new Set(values)];

/**
 * What discovery says about a Component's workloads: its clusters, namespace,
 * image and version (those of the first cluster by name when they differ).
 */
export function workloadAnnotations(
  component: string,
  workloads: DiscoveredWorkload[],
): Record<string, string> {
  const sorted = [...workloads].sort((a, b) =>
    `${a.cluster}/${a.namespace}`.localeCompare(`${b.cluster}/${b.namespace}`),
  );
  const clusters = unique(sorted.map(w => w.cluster));
  const namespaces = unique(sorted.map(w => w.namespace));
  const sites = unique(sorted.map(w => w.details.site).filter(Boolean));
  const first = sorted[0];
  return {
    [KUBERNETES_ID_ANNOTATION]: component,
    // The Kubernetes plugin filters by it; only one namespace can be named.
    ...(namespaces.length === 1
      ? { [KUBERNETES_NAMESPACE_ANNOTATION]: namespaces[0] }
      : {}),
    [ANNOTATION_KUBERNETES_CLUSTERS]:
      clusters.slice(0, CLUSTERS_SHOWN).join(',') +
      (clusters.length > CLUSTERS_SHOWN
        ? ` (+${clusters.length - CLUSTERS_SHOWN} more)`
        : ''),
    [ANNOTATION_IMAGE]: first.image,
    ...(first.version ? { [ANNOTATION_VERSION]: first.version } : {}),
    ...(sites.length === 1 ? { [ANNOTATION_PLANTOPS_SITE]: sites[0]! } : {}),
  };
}

/** A Component for workloads no other catalog entity claims. */
export function workloadComponent(
  component: string,
  workloads: DiscoveredWorkload[],
  defaults: { owner: string; lifecycle: string },
): Entity {
  const location = `${KUBERNETES_DISCOVERY_PROVIDER}:${component}`;
  const first = workloads[0];
  const clusters = unique(workloads.map(w => w.cluster)).sort();
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: component,
      namespace: 'default',
      description:
        first.details.description ??
        `${first.kind} ${first.namespace}/${first.name}, discovered on ${clusters.length} Kubernetes cluster(s)`,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        ...workloadAnnotations(component, workloads),
      },
      tags: ['kubernetes-discovered'],
    },
    spec: {
      type: 'service',
      lifecycle: first.details.lifecycle ?? defaults.lifecycle,
      owner: first.details.owner ?? defaults.owner,
      ...(first.details.system ? { system: first.details.system } : {}),
      // The cluster Resources: the Kubernetes tab and the plant-ops actions find the cluster this way.
      dependsOn: clusters.map(c => `resource:default/${c}`),
    },
  };
}
