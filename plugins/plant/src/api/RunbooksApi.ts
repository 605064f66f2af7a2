import { createApiRef } from '@backstage/core-plugin-api';
import type {
  Incident,
  IncidentEvent,
  Runbook,
  RunbookProblem,
  RunbookSeverity,
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
}

export const runbooksApiRef = createApiRef<RunbooksApi>({
  id: 'plugin.plant.runbooks',
});
