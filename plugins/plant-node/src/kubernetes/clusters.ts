import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';

/** The part of the catalog the resolvers read (the catalog service fits it). */
export interface CatalogReader {
  getEntityByRef(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Entity | undefined>;
}

/** One configured cluster (`plant.kubernetes.clusters[]`). */
export interface ClusterConfig {
  name: string;
  url?: string;
  caData?: string;
  skipTLSVerify: boolean;
  serviceAccountToken?: string;
  serviceAccountTokenEnv?: string;
}

export const API_SERVER_ANNOTATION = 'kubernetes.io/api-server';
export const API_SERVER_CA_ANNOTATION = 'kubernetes.io/api-server-certificate-authority';
export const SKIP_TLS_ANNOTATION = 'kubernetes.io/skip-tls-verify';

function readClusters(config: Config): ClusterConfig[] {
  return (config.getOptionalConfigArray('plant.kubernetes.clusters') ?? []).map(c => ({
    name: c.getString('name'),
    url: c.getOptionalString('url'),
    caData: c.getOptionalString('caData'),
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
    serviceAccountToken: c.getOptionalString('serviceAccountToken'),
    serviceAccountTokenEnv: c.getOptionalString('serviceAccountTokenEnv'),
  }));
}

const bad = (field: string, problem: string, fix: string) => new InputError(`${field}: ${problem}. ${fix}`);

/**
 * Turns a cluster name (or a catalog ref to a `kubernetes-cluster` Resource)
 * into a KubeConfig. The API server comes from config or from the Resource's
 * `kubernetes.io/api-server`; the token only ever from config
 * (`serviceAccountToken`, a secret) or from the environment variable config
 * names (`serviceAccountTokenEnv`): never from the catalog.
 */
export class KubernetesClusterResolver {
  private readonly clusters: ClusterConfig[];

  constructor(
    config: Config,
    private readonly options: { catalog?: CatalogReader; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.clusters = readClusters(config);
  }

  /** Names of the clusters in config (catalog clusters are found on demand). */
  configuredClusters(): string[] {
    return this.clusters.map(c => c.name);
  }

  async kubeConfig(
    clusterRef: string,
    opts: { field?: string; credentials?: BackstageCredentials } = {},
  ): Promise<{ kubeConfig: KubeConfig; cluster: string }> {
    const field = opts.field ?? 'cluster';
    if (!clusterRef?.trim()) {
      throw bad(field, 'is empty', 'Give the name of a kubernetes-cluster Resource, e.g. ms5-prod-aks');
    }
    const name = clusterRef.includes(':') || clusterRef.includes('/')
      ? parseEntityRef(clusterRef, { defaultKind: 'resource', defaultNamespace: 'default' }).name
      : clusterRef;
    const configured = this.clusters.find(c => c.name === name);
    let url = configured?.url;
    let caData = configured?.caData;
    let skipTLSVerify = configured?.skipTLSVerify ?? false;
    if (!url && this.options.catalog && opts.credentials) {
      const ref = stringifyEntityRef(
        parseEntityRef(clusterRef, { defaultKind: 'resource', defaultNamespace: 'default' }),
      );
      const entity = await this.options.catalog.getEntityByRef(ref, { credentials: opts.credentials });
      if (entity) {
        if ((entity.spec as any)?.type !== 'kubernetes-cluster') {
          throw bad(field, `${ref} is a ${(entity.spec as any)?.type ?? entity.kind}, not a kubernetes-cluster`, 'Pick a Resource of type kubernetes-cluster');
        }
        const annotations = entity.metadata.annotations ?? {};
        url = annotations[API_SERVER_ANNOTATION];
        caData = caData ?? annotations[API_SERVER_CA_ANNOTATION];
        skipTLSVerify = skipTLSVerify || annotations[SKIP_TLS_ANNOTATION] === 'true';
        if (!url) {
          throw bad(field, `${ref} has no ${API_SERVER_ANNOTATION} annotation`, 'Add the API server URL to the Resource, or give the cluster a url under plant.kubernetes.clusters');
        }
      }
    }
    if (!url) {
      const known = this.configuredClusters();
      throw bad(
        field,
        `no Kubernetes cluster "${name}"`,
        `Use one of ${known.length ? known.join(', ') : '(none configured)'} or a catalog Resource of type kubernetes-cluster; clusters are declared under plant.kubernetes.clusters`,
      );
    }
    const token = this.token(configured);
    if (!token) {
      throw bad(
        field,
        `no service account token for cluster "${name}"`,
        `Set plant.kubernetes.clusters[name=${name}].serviceAccountToken (a secret) or serviceAccountTokenEnv (the name of an environment variable holding it)`,
      );
    }
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name, server: url, caData, skipTLSVerify }],
      users: [{ name: `${name}-sa`, token }],
      contexts: [{ name, cluster: name, user: `${name}-sa` }],
      currentContext: name,
    });
    return { kubeConfig, cluster: name };
  }

  private token(c: ClusterConfig | undefined): string | undefined {
    if (!c) return undefined;
    if (c.serviceAccountToken) return c.serviceAccountToken;
    if (c.serviceAccountTokenEnv) return (this.options.env ?? process.env)[c.serviceAccountTokenEnv] || undefined;
    return undefined;
  }
}
