/**
 * `${{ path }}` expressions in template parameters, filled in from the page a
 * runbook is opened on. Paths are dotted names with bracketed quoted keys:
 * `entity.metadata.annotations['backstage.io/kubernetes-namespace']`.
 */

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;
const SEGMENT = /^(?:\.?([A-Za-z_$][\w$-]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\])/;

export const EXPRESSION_ROOTS = ['entity', 'context', 'alert'] as const;
export const CONTEXT_KEYS = ['namespace', 'cluster', 'environment'] as const;

/** What expressions are filled from. */
export interface RunbookContext {
  /** The entity as the catalog returns it, plus `ref`. */
  entity?: Record<string, unknown> & { ref?: string };
  context?: { namespace?: string; cluster?: string; environment?: string };
  alert?: { name?: string; labels?: Record<string, string> };
}

/** The path's segments, or an error saying what is wrong with it. */
export function parsePath(path: string): { segments: string[] } | { error: string } {
  const segments: string[] = [];
  let rest = path.trim();
  if (!rest) return { error: 'empty expression' };
  while (rest) {
    const m = SEGMENT.exec(rest);
    const first = segments.length === 0;
    if (!m || (first && (!m[1] || rest.startsWith('.'))) || (!first && m[1] && !rest.startsWith('.'))) {
      return { error: `cannot read "${rest}" in "${path}"` };
    }
    segments.push(m[1] ?? m[2] ?? m[3]);
    rest = rest.slice(m[0].length);
  }
  return { segments };
}

/** Every expression in a value (strings inside arrays and objects included). */
export function expressionsIn(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(EXPRESSION)].map(m => m[1]);
  if (Array.isArray(value)) return value.flatMap(expressionsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(expressionsIn);
  return [];
}

/** A problem with an expression's path, or undefined when it is fine. */
export function checkExpression(expression: string): string | undefined {
  const parsed = parsePath(expression);
  if ('error' in parsed) return parsed.error;
  const [root, key, ...more] = parsed.segments;
  if (!(EXPRESSION_ROOTS as readonly string[]).includes(root)) {
    return `"${root}" is not something a runbook can read; use ${EXPRESSION_ROOTS.map(r => `${r}.*`).join(', ')}`;
  }
  if (root === 'context' && (!key || !(CONTEXT_KEYS as readonly string[]).includes(key) || more.length)) {
    return `context has ${CONTEXT_KEYS.map(k => `context.${k}`).join(', ')}`;
  }
  if (root === 'alert' && !(key === 'name' && !more.length) && !(key === 'labels' && more.length === 1)) {
    return 'alert has alert.name and alert.labels.<label>';
  }
  if (root === 'entity' && !key) return 'name a field of the entity, e.g. entity.metadata.name or entity.ref';
  return undefined;
}

function lookup(ctx: RunbookContext, expression: string): unknown {
  const parsed = parsePath(expression);
  if ('error' in parsed) return undefined;
  let value: unknown = ctx;
  for (const segment of parsed.segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function resolveValue(value: unknown, ctx: RunbookContext): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\{\s*(.*?)\s*\}\}$/.exec(value);
    // A value that is one expression keeps the type it resolves to.
    if (whole) return lookup(ctx, whole[1]);
    let missing = false;
    const text = value.replace(EXPRESSION, (_m, expr: string) => {
      const v = lookup(ctx, expr);
      if (v === undefined || v === null || typeof v === 'object') {
        missing = true;
        return '';
      }
      return String(v);
    });
    return missing ? undefined : text;
  }
  if (Array.isArray(value)) return value.map(v => resolveValue(v, ctx));
  if (value && typeof value === 'object') return resolveParameters(value as Record<string, unknown>, ctx);
  return value;
}

/**
 * Fills in a step's template parameters. A parameter whose expression cannot
 * be filled in is left out, so the template form asks for it.
 */
export function resolveParameters(parameters: Record<string, unknown>, ctx: RunbookContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) {
    const resolved = resolveValue(value, ctx);
    if (resolved !== undefined && resolved !== '') out[key] = resolved;
  }
  return out;
}
