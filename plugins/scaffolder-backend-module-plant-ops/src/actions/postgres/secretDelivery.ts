import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { fieldError } from '../../lib/errors';
import type { KubeAccess } from '../../lib/kubeAccess';
import { describeKubeError, isNotFound } from '../../lib/kubeErrors';
import { findConsumers, restartAndVerify, type Workload } from '../secrets/consumers';
import type { PasswordDelivery, SecretInput as SecretTarget } from './rotatePassword';

/**
 * The new password into a Kubernetes Secret key, then a rollout restart of
 * its Deployments and a wait until they are ready again (the secret
 * rotations' consumers.ts). If they do not come back, the Secret's previous
 * value is put back before the error goes up (where the action restores the
 * old verifier).
 */
export class KubernetesSecretDelivery implements PasswordDelivery {
  /** The Deployments `check` found: `deliver` restarts these instead of reading them again. */
  private checked?: Workload[];

  private constructor(
    private readonly core: CoreV1Api,
    private readonly apps: AppsV1Api,
    private readonly t: SecretTarget,
    private readonly timeoutMs: number,
  ) {}

  static async create(kube: KubeAccess, t: SecretTarget, credentials: BackstageCredentials, timeoutMs = 300_000) {
    const { kubeConfig } = await kube.kubeConfig(t.cluster, { field: 'secret.cluster', credentials });
    return new KubernetesSecretDelivery(kubeConfig.makeApiClient(CoreV1Api), kubeConfig.makeApiClient(AppsV1Api), t, timeoutMs);
  }

  describe() {
    const restarts = (this.t.restart ?? []).map(d => `Deployment/${d}`).join(', ');
    return `Secret ${this.t.namespace}/${this.t.name} key ${this.t.key}${restarts ? `, then rollout restart ${restarts} and wait until ready` : ''}`;
  }

  /** Only the Deployments the input names: a password has no business restarting more. */
  private consumers(): Promise<Workload[]> {
    const names = this.t.restart ?? [];
    return names.length ? findConsumers(this.apps, this.t.namespace, this.t.name, names, 'secret.restart', 'Name Deployments that read the Secret') : Promise.resolve([]);
  }

  /** Before anything changes: the Secret and the Deployments exist. */
  async check(): Promise<void> {
    try {
      await this.core.readNamespacedSecret({ name: this.t.name, namespace: this.t.namespace });
    } catch (e) {
      if (isNotFound(e)) throw fieldError('secret.name', `no Secret "${this.t.name}" in ${this.t.namespace}`, 'Name the existing Secret the consumers read the password from');
      throw new Error(describeKubeError(`reading Secret ${this.t.namespace}/${this.t.name}`, e));
    }
    this.checked = await this.consumers();
  }

  private async setKey(value: string | null) {
    await this.core.patchNamespacedSecret(
      { name: this.t.name, namespace: this.t.namespace, body: { data: { [this.t.key]: value } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async deliver(password: string, signal?: AbortSignal): Promise<string[]> {
    const { namespace, name, key } = this.t;
    const consumers = this.checked ?? (await this.consumers());
    const secret = await this.core.readNamespacedSecret({ name, namespace });
    const previous = secret.data?.[key] ?? null;
    await this.setKey(Buffer.from(password, 'utf8').toString('base64'));
    const { failures } = await restartAndVerify(this.apps, namespace, consumers, { timeoutMs: this.timeoutMs, intervalMs: 250, signal });
    if (failures.length) {
      await this.setKey(previous);
      throw new Error(
        `restarting the consumers: ${failures.join('; ')}; Secret ${namespace}/${name} key ${key} was put back to its previous value (pods started meanwhile hold the new password: restart them again once the cause is fixed)`,
      );
    }
    return [`Secret ${namespace}/${name} key ${key}`, ...consumers.map(w => `${w.kind} ${namespace}/${w.name} restarted and ready`)];
  }
}
