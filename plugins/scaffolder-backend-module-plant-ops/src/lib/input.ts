import { z } from 'zod/v3';
import { fieldError } from './errors';

/** An action's input schema in createTemplateAction's form: one zod factory per field. */
export type InputShape = { [field: string]: (zImpl: typeof z) => z.ZodType };

/**
 * Parses an action's input with its own schema, applying defaults: the task
 * engine only validates against the JSON schema and hands the raw input over.
 * The first problem becomes a field error naming the field and the fix.
 */
/** What `parseInput` makes of an input with `shape`. */
export type ParsedInput<S extends InputShape> = { [K in keyof S]: z.output<ReturnType<S[K]>> };

export function parseInput<S extends InputShape>(shape: S, raw: unknown): ParsedInput<S> {
  const schema = z.object(Object.fromEntries(Object.entries(shape).map(([k, f]) => [k, f(z)])));
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data as any;
  const issue = result.error.issues[0];
  const field = issue.path.join('.') || '(input)';
  const description = issue.path.length ? (schema.shape[String(issue.path[0])] as z.ZodType)?.description : undefined;
  throw fieldError(field, issue.message.replace(/\.$/, '').toLowerCase(), description ? `Expected: ${description}` : 'Check the step input');
}
