import { Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { parseRunbook } from './parse';
import { Runbook, RunbookProblem, runbookProblem } from './types';

/** What runbooks may point at: names that exist right now. */
export interface RunbookReferenceIndex {
  /** Names of Template entities. */
  templates: Set<string>;
  /** Alert names from the Prometheus rules. */
  alerts: Set<string>;
  /** Entity refs in the catalog, lowercased (`component:default/scada-service`). */
  entities: Set<string>;
  /** The form fields each Template declares (`spec.parameters[].properties`), when it declares any. */
  templateParameters?: Map<string, Set<string>>;
}

function declaredParameters(template: Entity): Set<string> | undefined {
  const params = template.spec?.parameters;
  const pages = Array.isArray(params) ? params : params ? [params] : [];
  const names = pages.flatMap(p => {
    const props = p && typeof p === 'object' && !Array.isArray(p) ? p.properties : undefined;
    return props && typeof props === 'object' && !Array.isArray(props) ? Object.keys(props) : [];
  });
  return names.length ? new Set(names) : undefined;
}

/** The index of a list of catalog entities and alert names. */
export function referenceIndexOf(entities: Entity[], alerts: Iterable<string>): RunbookReferenceIndex {
  const templates = entities.filter(e => e.kind.toLocaleLowerCase('en-US') === 'template');
  const templateParameters = new Map<string, Set<string>>();
  for (const t of templates) {
    const declared = declaredParameters(t);
    if (declared) templateParameters.set(t.metadata.name, declared);
  }
  return {
    templates: new Set(templates.map(e => e.metadata.name)),
    templateParameters,
    alerts: new Set(alerts),
    entities: new Set(entities.map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US'))),
  };
}

const normalRef = (ref: string, defaultKind?: string) =>
  stringifyEntityRef(parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' })).toLocaleLowerCase('en-US');

/** Problems with the templates, alerts and entities a runbook names. */
export function checkRunbookReferences(runbook: Runbook, index: RunbookReferenceIndex): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  const fail = (field: string, problem: string, fix: string) => problems.push(runbookProblem(runbook.source, field, problem, fix));
  for (const alert of runbook.alerts) {
    if (!index.alerts.has(alert)) {
      fail('alerts', `no alert rule named "${alert}"`, `use an alert from the Prometheus rules (${[...index.alerts].sort().join(', ') || 'none loaded'}) or add the rule`);
    }
  }
  for (const ref of runbook.appliesTo.entities ?? []) {
    if (!index.entities.has(normalRef(ref))) {
      fail('appliesTo.entities', `"${ref}" is not in the catalog`, 'fix the ref (kind:namespace/name) or remove it');
    }
  }
  if (!index.entities.has(normalRef(runbook.owner, 'group'))) {
    fail('owner', `"${runbook.owner}" is not a Group in the catalog`, 'name an existing Group, e.g. group:default/oncall-team');
  }
  for (const step of runbook.steps) {
    for (const t of step.templates) {
      const where = `steps[${step.number}] "${step.title}" template`;
      if (!index.templates.has(t.template)) {
        fail(`${where}.template`, `no Template "${t.template}" in the catalog`, 'fix the name or register the template in the catalog');
        continue;
      }
      const declared = index.templateParameters?.get(t.template);
      for (const name of Object.keys(t.parameters)) {
        if (declared && !declared.has(name)) {
          fail(`${where}.parameters.${name}`, `Template "${t.template}" has no parameter "${name}"`, `use one of ${[...declared].join(', ')}`);
        }
      }
    }
  }
  return problems;
}

/** A set of runbook files read and checked: the good ones and every problem. */
export interface RunbookSet {
  runbooks: Runbook[];
  problems: RunbookProblem[];
}

/**
 * Parses and checks runbook files. A bad file is left out with its problems;
 * the others still load. The first file with an id keeps it.
 */
export function validateRunbooks(files: { source: string; text: string }[], index: RunbookReferenceIndex, options: { today?: Date } = {}): RunbookSet {
  const runbooks: Runbook[] = [];
  const problems: RunbookProblem[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const parsed = parseRunbook(file.source, file.text, options);
    if (!parsed.runbook) {
      problems.push(...parsed.problems);
      continue;
    }
    const rb = parsed.runbook;
    const refs = checkRunbookReferences(rb, index);
    const first = seen.get(rb.id);
    if (first) refs.push(runbookProblem(rb.source, 'id', `"${rb.id}" is already the id of ${first}`, 'give this runbook an id of its own'));
    if (refs.length) {
      problems.push(...refs);
      continue;
    }
    seen.set(rb.id, rb.source);
    runbooks.push(rb);
  }
  return { runbooks, problems };
}

/** Whether a runbook applies to an entity: listed by ref, or matching its kinds and types. */
export function runbookAppliesTo(runbook: Pick<Runbook, 'appliesTo'>, entity: Entity): boolean {
  const { kinds = [], types = [], entities = [] } = runbook.appliesTo;
  const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  if (entities.some(e => normalRef(e) === ref)) return true;
  if (!kinds.length && !types.length) return false;
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const type = typeof entity.spec?.type === 'string' ? entity.spec.type : undefined;
  return (
    (!kinds.length || kinds.some(k => k.toLocaleLowerCase('en-US') === kind)) &&
    (!types.length || (type !== undefined && types.includes(type)))
  );
}
