import yaml from 'yaml';
import type { SiteEntityV1alpha1 } from '@plantops/backstage-plugin-plant-common';

/** The label the catalog's Kubernetes discovery provider opts workloads in by. */
export const CATALOG_OPT_IN_LABEL = 'plantops.io/catalog';

export interface SiteImages {
  edgeGateway: string;
  opcuaConnector: string;
}

export interface ManifestFile {
  /** Path inside the task workspace. */
  path: string;
  content: string;
}

/**
 * The K3s manifests of an edge site, in the layout of the MS5.0 guide
 * (infra/k8s/edge: namespace edge, the SQLite PVC, the edge gateway, one OPC UA
 * connector Deployment per endpoint of the site), as files under `dir`.
 */
export function siteManifests(
  site: SiteEntityV1alpha1,
  options: { namespace: string; images: SiteImages; dir: string },
): ManifestFile[] {
  const { namespace, images, dir } = options;
  const siteRef = `site:default/${site.metadata.name}`;
  const labels = (name: string) => ({
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': 'ms5-edge',
    'backstage.io/kubernetes-id': name,
    [CATALOG_OPT_IN_LABEL]: 'true',
    // The Site page's Kubernetes tab selects the site's workloads by it.
    'plantops.io/site': site.metadata.name,
  });
  const annotations = { 'plantops.io/site': siteRef };
  const deployment = (
    name: string,
    image: string,
    env: Record<string, string>,
    extra: { volumes?: unknown[]; volumeMounts?: unknown[] } = {},
  ) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: labels(name), annotations },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels: labels(name), annotations },
        spec: {
          containers: [
            {
              name,
              image,
              env: Object.entries(env).map(([k, value]) => ({ name: k, value })),
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: { memory: '512Mi' },
              },
              ...(extra.volumeMounts ? { volumeMounts: extra.volumeMounts } : {}),
            },
          ],
          ...(extra.volumes ? { volumes: extra.volumes } : {}),
        },
      },
    },
  });

  const opcua = site.spec.connectors?.opcua ?? [];
  const connectorName = (name: string) =>
    opcua.length === 1 ? 'opcua-connector' : `opcua-connector-${name}`;
  const mqtt = site.spec.connectors?.mqtt;

  const docs: Array<[string, unknown]> = [
    [
      'namespace.yaml',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace, labels: { 'plantops.io/site': site.metadata.name } },
      },
    ],
    [
      'sqlite-pvc.yaml',
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'edge-gateway-sqlite', namespace },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '5Gi' } },
        },
      },
    ],
    [
      'edge-gateway.yaml',
      deployment(
        'edge-gateway',
        images.edgeGateway,
        {
          PLANTOPS_SITE: site.metadata.name,
          PLANT_CODE: site.spec.plantCode,
          TZ: site.spec.timezone,
          SQLITE_PATH: '/data/edge.db',
          ...(mqtt ? { MQTT_BROKER_URL: mqtt.brokerUrl, MQTT_TOPICS: mqtt.topics.join(',') } : {}),
        },
        {
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'edge-gateway-sqlite' } }],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ),
    ],
    [
      'edge-gateway-service.yaml',
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'edge-gateway', namespace, labels: labels('edge-gateway') },
        spec: {
          selector: { 'app.kubernetes.io/name': 'edge-gateway' },
          ports: [{ name: 'http', port: 8080, targetPort: 8080 }],
        },
      },
    ],
    ...opcua.map(
      (c): [string, unknown] => [
        `${connectorName(c.name)}.yaml`,
        deployment(connectorName(c.name), images.opcuaConnector, {
          PLANTOPS_SITE: site.metadata.name,
          OPCUA_CONNECTOR: c.name,
          OPCUA_ENDPOINT_URL: c.endpointUrl,
          OPCUA_SECURITY_MODE: c.securityMode,
          OPCUA_SECURITY_POLICY: c.securityPolicy,
          EDGE_GATEWAY_URL: `http://edge-gateway.${namespace}.svc:8080`,
        }),
      ],
    ),
  ];
  const files = docs.map(([name, doc]) => ({
    path: `${dir}/${name}`,
    content: yaml.stringify(doc),
  }));
  files.push({
    path: `${dir}/kustomization.yaml`,
    content: yaml.stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace,
      resources: docs.map(([name]) => name),
    }),
  });
  return files;
}
