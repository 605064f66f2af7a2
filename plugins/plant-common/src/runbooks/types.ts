/** P1 complete outage, P2 major function, P3 minor function, P4 cosmetic (IIP guide). */
export const RUNBOOK_SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type RunbookSeverity = (typeof RUNBOOK_SEVERITIES)[number];

/** Which entities a runbook applies to. */
export interface RunbookAppliesTo {
  /** Entity kinds, compared case-insensitively. */
  kinds?: string[];
  /** `spec.type` values. */
  types?: string[];
  /** Entity refs that always get the runbook, whatever their kind or type. */
  entities?: string[];
}

/** The front matter of a runbook file. */
export interface RunbookFrontMatter {
  id: string;
  title: string;
  severity: RunbookSeverity;
  /** Prometheus alert names the runbook answers. */
  alerts: string[];
  appliesTo: RunbookAppliesTo;
  /** Group entity ref. */
  owner: string;
  /** YYYY-MM-DD. */
  lastReviewed: string;
  /** Extra words people search for. */
  symptoms: string[];
}

/** A step's link to a scaffolder template, with the form data it fills in. */
export interface RunbookTemplateRef {
  template: string;
  /** Values may hold `${{ entity.* | context.* | alert.* }}` expressions. */
  parameters: Record<string, unknown>;
}

export interface RunbookCommand {
  /** The fence's language: bash, sh, sql, yaml or text. */
  language: string;
  code: string;
}

export interface RunbookStep {
  /** 1-based. */
  number: number;
  title: string;
  /** Markdown text of the step, without its code blocks. */
  text: string;
  commands: RunbookCommand[];
  templates: RunbookTemplateRef[];
}

export interface Runbook extends RunbookFrontMatter {
  /** Where it was loaded from: a path relative to its location, or a URL. */
  source: string;
  /** Markdown before the first step. */
  summary: string;
  steps: RunbookStep[];
}

/** Why a runbook was rejected: the file, the field, what is wrong and the fix. */
export interface RunbookProblem {
  source: string;
  field: string;
  problem: string;
  fix: string;
  /** `source: field: problem. fix` */
  message: string;
}

export function runbookProblem(source: string, field: string, problem: string, fix: string): RunbookProblem {
  return { source, field, problem, fix, message: `${source}: ${field}: ${problem}. ${fix}` };
}
