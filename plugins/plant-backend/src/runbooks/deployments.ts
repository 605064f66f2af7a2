import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { AppsV1Api } from '@kubernetes/client-node';
import {
  ArgoCdClient,
  firstLine,
  KUBERNETES_ID_ANNOTATION,
  KubernetesClusterResolver,
  REVISION_ANNOTATION,
  resolveEntityWorkload,
  rolloutHistory,
  type CatalogReader,
} from '@plantops/backstage-plugin-plant-node';
import {
  ANNOTATION_ARGOCD_APP_NAME,
  ANNOTATION_ARGOCD_INSTANCE_NAME,
  type SourceStatus,
} from '@plantops/backstage-plugin-plant-common';
import type { ScaffolderTasks } from '../incidents';

/** The templates whose runs are deployments of their `entity`. */
const DEPLOY_TEMPLATES = ['template:default/deploy', 'template:default/rollback'];

/** One deployment of an entity, newest first in a list. */
export interface Deployment {
  source: 'argocd' | 'kubernetes' | 'portal';
  /** ISO 8601, when known. */
  at?: string;
  /** ArgoCD history id, ReplicaSet revision, or the template. */
  revision: string;
  description: string;
  /** The scaffolder task of a portal run. */
  taskId?: string;
}

/**
 * Recent deployments of an entity for the runbook page: its ArgoCD app's
 * history (`argocd/app-name`), its Deployment's ReplicaSet revisions
 * (`kubectl rollout history`), and the deploy/rollback templates run on it
 * from the portal. A source that cannot be read says why instead of failing.
 */
export class RecentDeployments {
  constructor(
    private readonly deps: {
      config: Config;
      catalog: CatalogReader;
      credentials: () => Promise<BackstageCredentials>;
      tasks: Pick<ScaffolderTasks, 'listRecent'>;
      limit?: number;
    },
  ) {}

  async of(entity: Entity): Promise<{ items: Deployment[]; sources: SourceStatus[] }> {
    const read = async (source: string, fn: () => Promise<Deployment[] | undefined>) => {
      try {
        const found = await fn();
        return found ? { found, status: { source, status: 'ok' as const, message: `${found.length} deployment(s)` } } : undefined;
      } catch (e) {
        return { found: [], status: { source, status: 'unknown' as const, message: firstLine(e) } };
      }
    };
    const results = await Promise.all([
      read('argocd', () => this.argocd(entity)),
      read('kubernetes', () => this.kubernetes(entity)),
      read('portal', () => this.portal(entity)),
    ]);
    const items = results.flatMap(r => r?.found ?? []);
    const sources: SourceStatus[] = results.flatMap(r => (r ? [r.status] : []));
    items.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
    return { items: items.slice(0, this.deps.limit ?? 20), sources };
  }

  private async argocd(entity: Entity): Promise<Deployment[] | undefined> {
    const app = entity.metadata.annotations?.[ANNOTATION_ARGOCD_APP_NAME];
    if (!app || !(this.deps.config.getOptionalConfigArray('plant.argocd.instances') ?? []).length) return undefined;
    const client = ArgoCdClient.fromConfig(this.deps.config, entity.metadata.annotations?.[ANNOTATION_ARGOCD_INSTANCE_NAME], ANNOTATION_ARGOCD_INSTANCE_NAME);
    const a = await client.getApplication(app, AbortSignal.timeout(10_000));
    // Newest first, so equal times keep that order.
    return (a.status?.history ?? []).slice().reverse().map(h => ({
      source: 'argocd' as const,
      at: h.deployedAt,
      revision: `history ${h.id}`,
      description: `ArgoCD ${client.name}/${app} deployed ${h.revision ?? 'an unknown revision'}`,
    }));
  }

  private async kubernetes(entity: Entity): Promise<Deployment[] | undefined> {
    if (!entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION]) return undefined;
    const resolver = new KubernetesClusterResolver(this.deps.config, { catalog: this.deps.catalog });
    if (resolver.configuredClusters().length === 0) return undefined;
    const credentials = await this.deps.credentials();
    const w = await resolveEntityWorkload(this.deps.catalog, stringifyEntityRef(entity), { credentials });
    const { kubeConfig } = await resolver.kubeConfig(w.cluster, { credentials });
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const d = await apps.readNamespacedDeployment({ name: w.name, namespace: w.namespace });
    const current = d.metadata?.annotations?.[REVISION_ANNOTATION];
    // Oldest first from plant-node; newest first here (a stable sort keeps ties in list order).
    const history = (await rolloutHistory(apps, d)).sort((a, b) => b.revision - a.revision);
    return history.map(h => {
      // 0 (or NaN) is a ReplicaSet without the revision annotation.
      const revision = h.revision > 0 ? String(h.revision) : '?';
      const images = (h.template?.spec?.containers ?? []).map(c => c.image).join(', ');
      return {
        source: 'kubernetes' as const,
        at: h.createdAt ? new Date(h.createdAt).toISOString() : undefined,
        revision: `revision ${revision}`,
        description: `Deployment ${w.name} in ${w.cluster}/${w.namespace}: ${images}${h.changeCause ? ` (${h.changeCause})` : ''}${revision === current ? ', current' : ''}`,
      };
    });
  }

  private async portal(entity: Entity): Promise<Deployment[]> {
    const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    const tasks = await this.deps.tasks.listRecent(100);
    return tasks
      .filter(t => DEPLOY_TEMPLATES.includes(t.spec.templateInfo?.entityRef ?? '') && String(t.spec.parameters?.entity ?? '').toLocaleLowerCase('en-US') === ref)
      .map(t => {
        const p = t.spec.parameters ?? {};
        const template = (t.spec.templateInfo?.entityRef ?? '').split('/').pop();
        return {
          source: 'portal' as const,
          at: t.createdAt,
          revision: template ?? '?',
          description: `${p.dryRun === true ? 'Dry-run of ' : ''}${template} in ${p.environment ?? 'an unnamed environment'} by ${t.createdBy ?? 'unknown'}: ${t.status}`,
          taskId: t.id,
        };
      });
  }
}
