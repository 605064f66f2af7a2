/** Label and field selectors with the API server's grammar (the subset clients use). */

type Requirement =
  | { op: 'exists' | '!exists'; key: string }
  | { op: '=' | '!='; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

/** Splits on commas that are not inside `(...)`. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map(t => t.trim()).filter(Boolean);
}

export class SelectorError extends Error {}

export function parseLabelSelector(selector: string | undefined): Requirement[] {
  if (!selector) return [];
  return splitTerms(selector).map(term => {
    let m = term.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/);
    if (m) {
      const values = m[3].split(',').map(v => v.trim()).filter(Boolean);
      return { op: m[2] as 'in' | 'notin', key: m[1], values };
    }
    m = term.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/);
    if (m) return { op: m[2] === '!=' ? '!=' : '=', key: m[1], value: m[3] };
    m = term.match(/^(!?)([\w./-]+)$/);
    if (m) return { op: m[1] ? '!exists' : 'exists', key: m[2] };
    throw new SelectorError(`unable to parse requirement: ${term}`);
  });
}

export function matchesLabels(
  requirements: Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
        return has && l[r.key] === r.value;
      case '!=':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      default:
        return false;
    }
  });
}

/** A `LabelSelector` object (matchLabels + matchExpressions), as PDBs and workloads carry. */
export function matchesLabelSelectorObject(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: any[] } | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  const reqs: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    op: '=' as const,
    key,
    value,
  }));
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In') reqs.push({ op: 'in', key: e.key, values: e.values ?? [] });
    else if (e.operator === 'NotIn') reqs.push({ op: 'notin', key: e.key, values: e.values ?? [] });
    else if (e.operator === 'Exists') reqs.push({ op: 'exists', key: e.key });
    else if (e.operator === 'DoesNotExist') reqs.push({ op: '!exists', key: e.key });
  }
  return matchesLabels(reqs, labels);
}

const SUPPORTED_FIELDS = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'];

export function parseFieldSelector(
  selector: string | undefined,
): { path: string; op: '=' | '!='; value: string }[] {
  if (!selector) return [];
  return splitTerms(selector).map(term => {
    const m = term.match(/^([\w.]+)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new SelectorError(`invalid field selector: ${term}`);
    if (!SUPPORTED_FIELDS.includes(m[1])) {
      throw new SelectorError(`field label not supported: ${m[1]}`);
    }
    return { path: m[1], op: m[2] === '!=' ? '!=' : '=', value: m[3] };
  });
}

export function matchesFields(
  requirements: ReturnType<typeof parseFieldSelector>,
  obj: any,
): boolean {
  return requirements.every(r => {
    const actual = r.path.split('.').reduce((o, k) => (o === undefined ? o : o[k]), obj) ?? '';
    return r.op === '=' ? String(actual) === r.value : String(actual) !== r.value;
  });
}
