import { createApiRef } from '@backstage/core-plugin-api';
import type {
  Incident,
  IncidentEvent,
  Runbook,
  RunbookProblem,
  RunbookSeverity,
  SourceStatus,
} from '@plantops/backstage-plugin-plant-common';

export type RunbookList = { items: Runbook[]; problems: RunbookProblem[] };

export type StartIncidentRequest = {
  title: string;
  severity: RunbookSeverity;
  /** User entity ref; the caller when left out. */
  commander?: string;
  entities: string[];
  runbookId?: string;
  alert?: string;
};

export type IncidentEventRequest = Omit<IncidentEvent, 'id' | 'at' | 'actor' | 'type'> & {
  type: 'step' | 'template-task' | 'acknowledgement' | 'note';
  /**
   * For a template launch (outcome `launched`): the form values it opens
   * with. The backend finds the task they create and records its outcome.
   */
  parameters?: Record<string, unknown>;
};

/** One deployment of an entity (ArgoCD history, ReplicaSet revision, or a portal deploy/rollback run). */
export type Deployment = {
  source: 'argocd' | 'kubernetes' | 'portal';
  at?: string;
  revision: string;
  description: string;
  taskId?: string;
};

/** Runbooks and incidents of the plant backend. */
export interface RunbooksApi {
  listRunbooks(filter?: { alert?: string; entity?: string }): Promise<RunbookList>;
  getRunbook(id: string): Promise<Runbook>;
  listIncidents(filter?: { status?: 'open' | 'closed' }): Promise<{ items: Incident[] }>;
  getIncident(id: string): Promise<Incident>;
  startIncident(request: StartIncidentRequest): Promise<Incident>;
  recordIncidentEvent(id: string, event: IncidentEventRequest): Promise<Incident>;
  closeIncident(id: string, resolution: string): Promise<Incident>;
  /** The timeline as Markdown, for the post-mortem. */
  exportIncident(id: string): Promise<string>;
  /** Recent deployments of an entity, newest first, with the sources that could not be read. */
  getDeployments(entityRef: string): Promise<{ items: Deployment[]; sources: SourceStatus[] }>;
}

export const runbooksApiRef = createApiRef<RunbooksApi>({
  id: 'plugin.plant.runbooks',
});
