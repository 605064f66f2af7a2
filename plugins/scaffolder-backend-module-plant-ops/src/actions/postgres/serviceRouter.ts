import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeAccess } from '../../lib/kubeAccess';
import type { WriterRouter } from './failoverCore';

export interface ServiceTarget {
  cluster: string;
  namespace: string;
  service: string;
  /** Labels of the new primary's pods. */
  selector: Record<string, string>;
}

/**
 * The writers reach PostgreSQL through a Kubernetes Service; repointing
 * replaces its selector with a JSON patch that first tests the selector read
 * in the plan, so a concurrent change is refused rather than overwritten.
 */
export class KubernetesServiceRouter implements WriterRouter {
  private seen?: Record<string, string>;
  constructor(private readonly api: CoreV1Api, private readonly target: ServiceTarget) {}

  static async create(source: KubeAccess, target: ServiceTarget, credentials: BackstageCredentials) {
    const { kubeConfig } = await source.kubeConfig(target.cluster, { field: 'writers.cluster', credentials });
    return new KubernetesServiceRouter(kubeConfig.makeApiClient(CoreV1Api), target);
  }

  describe() {
    return `Service ${this.target.namespace}/${this.target.service} selector -> ${JSON.stringify(this.target.selector)}`;
  }

  async current() {
    const svc = await this.api.readNamespacedService({ name: this.target.service, namespace: this.target.namespace });
    this.seen = svc.spec?.selector ?? {};
    return `Service ${this.target.namespace}/${this.target.service} selector ${JSON.stringify(this.seen)}`;
  }

  async repoint() {
    if (!this.seen) await this.current();
    const before = this.seen!;
    await this.api.patchNamespacedService(
      {
        name: this.target.service,
        namespace: this.target.namespace,
        body: [
          { op: 'test', path: '/spec/selector', value: before },
          { op: 'replace', path: '/spec/selector', value: this.target.selector },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    return `Service ${this.target.namespace}/${this.target.service} selector ${JSON.stringify(before)} -> ${JSON.stringify(this.target.selector)}`;
  }
}
