import { parse as parseYaml } from 'yaml';
import { parseEntityRef } from '@backstage/catalog-model';
import { checkExpression, expressionsIn } from './expressions';
import {
  RUNBOOK_SEVERITIES,
  Runbook,
  RunbookCommand,
  RunbookFrontMatter,
  RunbookProblem,
  RunbookStep,
  RunbookTemplateRef,
  runbookProblem,
} from './types';

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;
const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FIELDS = ['id', 'title', 'severity', 'alerts', 'appliesTo', 'owner', 'lastReviewed', 'symptoms'];
const APPLIES_TO_FIELDS = ['kinds', 'types', 'entities'];
const COMMAND_LANGUAGES = ['bash', 'sh', 'shell', 'sql', 'yaml', 'text', 'console'];

export type RunbookParseResult = { runbook: Runbook; problems: [] } | { runbook?: undefined; problems: RunbookProblem[] };

/**
 * Reads a runbook file: front matter and steps. Checks everything that can be
 * checked from the file alone; `checkRunbookReferences` checks the catalog
 * and alert names it points at.
 */
export function parseRunbook(source: string, text: string, options: { today?: Date } = {}): RunbookParseResult {
  const problems: RunbookProblem[] = [];
  const fail = (field: string, problem: string, fix: string) => problems.push(runbookProblem(source, field, problem, fix));

  const fm = FRONT_MATTER.exec(text);
  if (!fm) {
    fail('front matter', 'missing', 'start the file with a YAML block between two "---" lines (see runbooks/README.md)');
    return { problems };
  }
  let data: unknown;
  try {
    data = parseYaml(fm[1]);
  } catch (e) {
    fail('front matter', `not valid YAML (${(e as Error).message.split('\n')[0]})`, 'fix the YAML between the "---" lines');
    return { problems };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    fail('front matter', 'not a mapping', 'write "key: value" lines such as "id: service-down"');
    return { problems };
  }
  const front = readFrontMatter(data as Record<string, unknown>, fail, options.today ?? new Date());
  const body = text.slice(fm[0].length);
  const { summary, steps } = readBody(body, fail);
  if (problems.length || !front) return { problems };
  return { runbook: { ...front, source, summary, steps }, problems: [] };
}

type Fail = (field: string, problem: string, fix: string) => void;

function stringList(value: unknown, field: string, fail: Fail, example: string): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string' || !v.trim())) {
    fail(field, 'must be a list of non-empty strings', `write it as ${field.split('.').pop()}: [${example}]`);
    return undefined;
  }
  return value.map(v => v.trim());
}

function readFrontMatter(d: Record<string, unknown>, fail: Fail, today: Date): RunbookFrontMatter | undefined {
  for (const key of Object.keys(d)) {
    if (!FIELDS.includes(key)) fail(key, 'is not a runbook field', `remove it or use one of ${FIELDS.join(', ')}`);
  }
  const str = (key: string, fix: string) => {
    const v = d[key];
    if (typeof v !== 'string' || !v.trim()) {
      fail(key, v === undefined ? 'missing' : 'must be a non-empty string', fix);
      return '';
    }
    return v.trim();
  };
  const id = str('id', 'add e.g. "id: service-down" (lowercase words joined by "-")');
  if (id && !ID.test(id)) fail('id', `"${id}" is not lowercase words joined by "-"`, 'use e.g. "service-down"');
  const title = str('title', 'add e.g. "title: Service down"');
  const severity = str('severity', `add e.g. "severity: P2" (${RUNBOOK_SEVERITIES.join(', ')})`);
  if (severity && !(RUNBOOK_SEVERITIES as readonly string[]).includes(severity)) {
    fail('severity', `"${severity}" is not a severity`, `use one of ${RUNBOOK_SEVERITIES.join(', ')}`);
  }
  const owner = str('owner', 'add e.g. "owner: group:default/oncall-team"');
  if (owner) {
    try {
      const ref = parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: 'default' });
      if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
        fail('owner', `"${owner}" is not a Group`, 'name a Group, e.g. group:default/oncall-team');
      }
    } catch (e) {
      fail('owner', `"${owner}" is not an entity ref (${(e as Error).message})`, 'use e.g. group:default/oncall-team');
    }
  }
  // YAML reads an unquoted 2026-12-02 as a string here (yaml 1.2 core schema).
  const reviewedRaw = d.lastReviewed instanceof Date ? d.lastReviewed.toISOString().slice(0, 10) : d.lastReviewed;
  let lastReviewed = '';
  if (typeof reviewedRaw !== 'string' || !DATE.test(reviewedRaw) || Number.isNaN(Date.parse(reviewedRaw))) {
    fail('lastReviewed', reviewedRaw === undefined ? 'missing' : `"${String(reviewedRaw)}" is not a date`, 'write the date of the last review as YYYY-MM-DD, e.g. lastReviewed: 2026-12-02');
  } else if (Date.parse(reviewedRaw) > today.getTime()) {
    fail('lastReviewed', `${reviewedRaw} is in the future`, 'write the date the runbook was last reviewed');
  } else {
    lastReviewed = reviewedRaw;
  }
  const alerts = stringList(d.alerts, 'alerts', fail, 'ServiceDown');
  const symptoms = stringList(d.symptoms, 'symptoms', fail, 'down, unreachable');

  let appliesTo: RunbookFrontMatter['appliesTo'] | undefined;
  const a = d.appliesTo;
  if (!a || typeof a !== 'object' || Array.isArray(a)) {
    fail('appliesTo', a === undefined ? 'missing' : 'must be a mapping', 'add "appliesTo:" with kinds, types and/or entities, e.g. appliesTo: { kinds: [Component], types: [service] }');
  } else {
    const o = a as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!APPLIES_TO_FIELDS.includes(key)) fail(`appliesTo.${key}`, 'is not a field of appliesTo', `use ${APPLIES_TO_FIELDS.join(', ')}`);
    }
    const kinds = stringList(o.kinds, 'appliesTo.kinds', fail, 'Component, Resource');
    const types = stringList(o.types, 'appliesTo.types', fail, 'service, database');
    const entities = stringList(o.entities, 'appliesTo.entities', fail, 'component:default/scada-service');
    for (const ref of entities ?? []) {
      try {
        parseEntityRef(ref);
      } catch {
        fail('appliesTo.entities', `"${ref}" is not an entity ref`, 'write full refs such as component:default/scada-service');
      }
    }
    if (kinds && types && entities) {
      if (!kinds.length && !types.length && !entities.length) {
        fail('appliesTo', 'is empty, so the runbook applies to nothing', 'list kinds, types or entities');
      }
      appliesTo = { kinds, types, entities };
    }
  }
  if (!alerts || !symptoms || !appliesTo) return undefined;
  return { id, title, severity: severity as RunbookFrontMatter['severity'], alerts, appliesTo, owner, lastReviewed, symptoms };
}

interface Block {
  language: string;
  code: string;
}

/** Splits the body at "## " headings (outside code fences) into the summary and the steps. */
function readBody(body: string, fail: Fail): { summary: string; steps: RunbookStep[] } {
  const sections: { title: string; lines: string[] }[] = [{ title: '', lines: [] }];
  let fence: string | undefined;
  for (const line of body.split(/\r?\n/)) {
    const f = /^(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (line.trim() === fence) fence = undefined;
    }
    if (!fence && /^## /.test(line)) sections.push({ title: line.slice(3).trim(), lines: [] });
    else sections[sections.length - 1].lines.push(line);
  }
  if (fence) fail('body', `a code block opened with ${fence} is never closed`, `close it with a line of ${fence}`);
  const [head, ...rest] = sections;
  if (!rest.length) fail('steps', 'the runbook has no steps', 'add at least one step as a "## " heading');
  const steps = rest.map((s, i) => readStep(i + 1, s.title, s.lines, fail));
  return { summary: head.lines.join('\n').trim(), steps };
}

function readStep(number: number, title: string, lines: string[], fail: Fail): RunbookStep {
  const field = `steps[${number}] "${title}"`;
  const text: string[] = [];
  const blocks: Block[] = [];
  let open: { fence: string; language: string; code: string[] } | undefined;
  for (const line of lines) {
    if (!open) {
      const f = /^(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
      if (f) open = { fence: f[1], language: f[2].toLowerCase(), code: [] };
      else text.push(line);
    } else if (line.trim() === open.fence) {
      blocks.push({ language: open.language, code: open.code.join('\n') });
      open = undefined;
    } else {
      open.code.push(line);
    }
  }
  const commands: RunbookCommand[] = [];
  const templates: RunbookTemplateRef[] = [];
  for (const b of blocks) {
    if (b.language === 'template') {
      const t = readTemplateBlock(b.code, field, fail);
      if (t) templates.push(t);
    } else if (COMMAND_LANGUAGES.includes(b.language) || b.language === '') {
      commands.push({ language: b.language || 'text', code: b.code });
    } else {
      fail(`${field} code block`, `language "${b.language}" is neither a command nor a template`, `use one of ${COMMAND_LANGUAGES.join(', ')}, or "template"`);
    }
  }
  return { number, title, text: text.join('\n').trim(), commands, templates };
}

function readTemplateBlock(code: string, field: string, fail: Fail): RunbookTemplateRef | undefined {
  const where = `${field} template`;
  let data: unknown;
  try {
    data = parseYaml(code);
  } catch (e) {
    fail(where, `not valid YAML (${(e as Error).message.split('\n')[0]})`, 'write "template: <name>" and "parameters:" as YAML');
    return undefined;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    fail(where, 'not a mapping', 'write "template: <name>" and optionally "parameters:"');
    return undefined;
  }
  const o = data as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(o)) {
    if (key !== 'template' && key !== 'parameters') {
      fail(`${where}.${key}`, 'is not a field of a template step', 'use "template" and "parameters"');
      ok = false;
    }
  }
  if (typeof o.template !== 'string' || !ID.test(o.template)) {
    fail(`${where}.template`, o.template === undefined ? 'missing' : `"${String(o.template)}" is not a template name`, 'name the template, e.g. "template: rollback"');
    ok = false;
  }
  const params = o.parameters ?? {};
  if (typeof params !== 'object' || Array.isArray(params) || params === null) {
    fail(`${where}.parameters`, 'must be a mapping', 'write one "name: value" per template parameter');
    ok = false;
  } else {
    for (const [name, value] of Object.entries(params)) {
      for (const expr of expressionsIn(value)) {
        const problem = checkExpression(expr);
        if (problem) {
          fail(`${where}.parameters.${name}`, `"\${{ ${expr} }}": ${problem}`, 'see runbooks/README.md for the expressions a runbook can use');
          ok = false;
        }
      }
    }
  }
  return ok ? { template: o.template as string, parameters: params as Record<string, unknown> } : undefined;
}
