import type { RunbookSeverity } from './types';

export const INCIDENT_EVENT_TYPES = ['opened', 'step', 'template-task', 'acknowledgement', 'note', 'closed'] as const;
export type IncidentEventType = (typeof INCIDENT_EVENT_TYPES)[number];

/** One line of an incident's timeline. */
export interface IncidentEvent {
  id: number;
  /** ISO 8601. */
  at: string;
  /** User entity ref of who did it. */
  actor: string;
  type: IncidentEventType;
  text: string;
  runbookId?: string;
  /** 1-based step of the runbook. */
  step?: number;
  /** Template task: its name, link and outcome. */
  template?: string;
  taskUrl?: string;
  outcome?: string;
}

export interface Incident {
  id: string;
  title: string;
  severity: RunbookSeverity;
  status: 'open' | 'closed';
  /** User entity ref. */
  commander: string;
  /** Affected entity refs. */
  entities: string[];
  runbookId?: string;
  alert?: string;
  openedAt: string;
  openedBy: string;
  closedAt?: string;
  resolution?: string;
  timeline: IncidentEvent[];
}

const time = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function describe(e: IncidentEvent): string {
  const parts = [e.text];
  if (e.runbookId && e.step !== undefined) parts.push(`(runbook ${e.runbookId}, step ${e.step})`);
  if (e.template) parts.push(`template ${e.template}`);
  if (e.outcome) parts.push(`outcome: ${e.outcome}`);
  if (e.taskUrl) parts.push(`[task](${e.taskUrl})`);
  return parts.join(' ');
}

/** The incident as Markdown, the starting point of its post-mortem. */
export function incidentToMarkdown(incident: Incident): string {
  const lines = [
    `# Incident ${incident.id}: ${incident.title}`,
    '',
    `- Severity: ${incident.severity}`,
    `- Status: ${incident.status}`,
    `- Commander: ${incident.commander}`,
    `- Affected: ${incident.entities.length ? incident.entities.join(', ') : 'none recorded'}`,
  ];
  if (incident.alert) lines.push(`- Alert: ${incident.alert}`);
  if (incident.runbookId) lines.push(`- Runbook: ${incident.runbookId}`);
  lines.push(`- Opened: ${time(incident.openedAt)} by ${incident.openedBy}`);
  if (incident.closedAt) lines.push(`- Closed: ${time(incident.closedAt)}`);
  if (incident.resolution) lines.push('', '## Resolution', '', incident.resolution);
  lines.push('', '## Timeline', '', '| time | who | what | details |', '| --- | --- | --- | --- |');
  for (const e of incident.timeline) {
    lines.push(`| ${time(e.at)} | ${cell(e.actor)} | ${e.type} | ${cell(describe(e))} |`);
  }
  lines.push('', '## Post-mortem', '', '- Root cause:', '- Lessons learned:', '- Preventive measures:', '');
  return lines.join('\n');
}
