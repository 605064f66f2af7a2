import type { AuditorService, BackstageCredentials } from '@backstage/backend-plugin-api';
import { createTemplateAction, type ActionContext, type TemplateExample } from '@backstage/plugin-scaffolder-node';
import type { JsonObject, JsonValue } from '@backstage/types';
import { audited } from './audit';
import { dryRunInput, isDryRun } from './dryRun';
import { parseInput, type InputShape, type ParsedInput } from './input';
import { CancelledError } from './wait';

/** The parts of the action context an operation uses. */
export type OperationContext = Pick<
  ActionContext<any, any>,
  'input' | 'isDryRun' | 'user' | 'task' | 'signal' | 'checkpoint' | 'getInitiatorCredentials'
>;

/** One run of an action against one resolved target. */
export interface Operation<T> {
  target: T;
  dryRun: boolean;
  /**
   * A read whose answer the run must keep: checkpointed in a real run, so a
   * retried task works from what the first attempt saw, not from the state
   * its own writes left; a plain read in a dry run (which records nothing).
   */
  remember<V extends JsonValue>(key: string, read: () => Promise<V>): Promise<V>;
  /**
   * A side effect, done once per task: a retried task gets the first value
   * back instead of repeating it. Refuses to start once the task is cancelled.
   */
  once<V extends JsonValue | void>(key: string, what: string, fn: () => Promise<V>): Promise<V>;
  /**
   * `fn` inside one audit event: action, target, actor, task, dry run and
   * `meta` (which holds no secret); its result is the event's outcome.
   */
  run(action: string, meta: JsonObject, fn: () => Promise<JsonObject>): Promise<JsonObject>;
  /** `run` for a step whose dry run branches off at once: `plan` in a dry run, `apply` otherwise. */
  audit(
    action: string,
    meta: JsonObject,
    steps: { plan: () => Promise<JsonObject> | JsonObject; apply: () => Promise<JsonObject> },
  ): Promise<JsonObject>;
}

/**
 * Starts an operation: decides dry run or not (`isDryRun`), resolves and reads
 * the target with the initiator's credentials, so a wrong target is a field
 * error before anything is written.
 */
export async function startOperation<T extends { id: string }>(
  ctx: OperationContext,
  auditor: AuditorService,
  resolve: (credentials: BackstageCredentials) => Promise<T>,
): Promise<Operation<T>> {
  const dryRun = isDryRun(ctx);
  const target = await resolve(await ctx.getInitiatorCredentials());
  const run: Operation<T>['run'] = (action, meta, fn) =>
    audited(auditor, { ...meta, action, target: target.id, dryRun, actor: ctx.user?.ref, taskId: ctx.task.id }, fn);
  return {
    target,
    dryRun,
    run,
    remember: (key, read) => (dryRun ? read() : ctx.checkpoint({ key, fn: read })),
    once: (key, what, fn) =>
      ctx.checkpoint({
        key,
        fn: async () => {
          if (ctx.signal?.aborted) throw new CancelledError(`before ${what}; nothing of it was done`);
          return fn();
        },
      }),
    audit: (action, meta, steps) => run(action, meta, async () => (dryRun ? steps.plan() : steps.apply())),
  };
}

/**
 * A plant:* action whose every run is one operation on one target: its input
 * (with `dryRun`) parsed with the action's own schema, the target resolved
 * and read, then `run` with the operation (audit, checkpoints, dry run).
 */
export function createOperationAction<S extends InputShape, T extends { id: string }>(spec: {
  id: string;
  description: string;
  examples: TemplateExample[];
  auditor: AuditorService;
  input: S;
  output: InputShape;
  /** Input checks that need no target: run before anything is read. */
  check?(input: ParsedInput<S>): void;
  resolve(input: ParsedInput<S>, credentials: BackstageCredentials): Promise<T>;
  run(op: Operation<T>, input: ParsedInput<S>, ctx: ActionContext<any, any>): Promise<void>;
}) {
  const shape = { ...dryRunInput, ...spec.input };
  return createTemplateAction({
    id: spec.id,
    description: spec.description,
    examples: spec.examples,
    supportsDryRun: true,
    schema: { input: shape as InputShape, output: spec.output },
    async handler(ctx) {
      const input = parseInput(spec.input, ctx.input);
      spec.check?.(input);
      const op = await startOperation(ctx, spec.auditor, credentials => spec.resolve(input, credentials));
      await spec.run(op, input, ctx);
    },
  });
}
