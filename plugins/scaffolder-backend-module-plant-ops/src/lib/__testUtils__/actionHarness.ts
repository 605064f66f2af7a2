import type { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeAccess } from '../kubeAccess';

/** A logger that keeps every line (message plus its metadata as JSON), children included. */
export function capturingLogger(lines: string[] = []): LoggerService & { lines: string[] } {
  const make = (base: JsonObject): LoggerService & { lines: string[] } => {
    const log = (level: string) => (message: string, meta?: Error | JsonObject) =>
      lines.push(
        `${level} ${message} ${JSON.stringify(base)} ${meta instanceof Error ? `${meta.message} ${meta.stack}` : JSON.stringify(meta ?? {})}`,
      );
    return {
      lines,
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: (meta: JsonObject) => make({ ...base, ...meta }),
    };
  };
  return make({});
}

/** An auditor that records each event's options and outcome, serialised as the real one would write them. */
export function capturingAuditor(): AuditorService & { records: string[]; events: any[] } {
  const records: string[] = [];
  const events: any[] = [];
  return {
    records,
    events,
    async createEvent(options) {
      const event: any = { ...options, outcome: undefined };
      events.push(event);
      records.push(JSON.stringify(options));
      return {
        async success(o?: { meta?: JsonObject }) {
          event.outcome = 'success';
          event.successMeta = o?.meta;
          records.push(JSON.stringify({ success: o ?? {} }));
        },
        async fail(o: { meta?: JsonObject; error: Error }) {
          event.outcome = 'failure';
          event.error = o.error;
          records.push(JSON.stringify({ fail: o.meta ?? {}, error: o.error.message, stack: o.error.stack }));
        },
      };
    },
  };
}

/** KubeAccess that hands out one KubeConfig (the double's) for any cluster. */
export function fixedKubeAccess(kubeConfig: KubeConfig, cluster = 'test-cluster'): KubeAccess & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async kubeConfig(ref) {
      asked.push(ref);
      return { kubeConfig, cluster };
    },
  };
}

export interface ActionRun {
  output: Record<string, unknown>;
  error?: Error;
  logs: string[];
  checkpoints: string[];
}

/**
 * Runs an action the way the scaffolder does (mock context), collecting its
 * outputs, its log lines, its checkpoint keys and the error it threw.
 * `checkpointCache` lets a test replay a retried task: keys already there are
 * not run again, as the task engine does.
 */
export async function runAction(
  action: TemplateAction<any, any, any>,
  input: JsonObject,
  opts: { dryRun?: boolean; signal?: AbortSignal; logger?: LoggerService & { lines: string[] }; checkpointCache?: Map<string, unknown>; taskId?: string } = {},
): Promise<ActionRun> {
  const logger = opts.logger ?? capturingLogger();
  const output: Record<string, unknown> = {};
  const checkpoints: string[] = [];
  const cache = opts.checkpointCache;
  const ctx = createMockActionContext({ input, logger, task: { id: opts.taskId ?? 'task-1' } });
  Object.assign(ctx, {
    isDryRun: opts.dryRun ?? false,
    signal: opts.signal,
    user: { ref: 'user:default/jane.doe' },
    output: (name: string, value: unknown) => {
      output[name] = value;
    },
    async checkpoint({ key, fn }: { key: string; fn: () => unknown }) {
      checkpoints.push(key);
      if (cache?.has(key)) return cache.get(key);
      const value = await fn();
      cache?.set(key, value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
      return value;
    },
  });
  try {
    await action.handler(ctx as any);
    return { output, logs: logger.lines, checkpoints };
  } catch (error) {
    return { output, error: error as Error, logs: logger.lines, checkpoints };
  }
}

/** Everything an action let out: log lines, outputs, audit records and the error, as one string to search. */
export function everythingSaid(run: ActionRun, auditor: { records: string[] }): string {
  return [
    ...run.logs,
    JSON.stringify(run.output),
    ...auditor.records,
    run.error ? `${run.error.message}\n${run.error.stack}` : '',
  ].join('\n');
}
