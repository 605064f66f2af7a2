import type { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import type { KubeConfig } from '@kubernetes/client-node';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { PlantOpsDeps } from '../../deps';
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

/**
 * An auditor that keeps what the real one would write: `records` (each call
 * serialised), `events` (options and outcome) and `audits` (one entry per
 * phase: start, success or fail).
 */
export function capturingAuditor(): AuditorService & { records: string[]; events: any[]; audits: JsonObject[] } {
  const records: string[] = [];
  const events: any[] = [];
  const audits: JsonObject[] = [];
  return {
    records,
    events,
    audits,
    async createEvent(options) {
      const event: any = { ...options, outcome: undefined };
      events.push(event);
      records.push(JSON.stringify(options));
      audits.push({ phase: 'start', eventId: options.eventId, meta: options.meta ?? {} });
      return {
        async success(o?: { meta?: JsonObject }) {
          event.outcome = 'success';
          event.successMeta = o?.meta;
          records.push(JSON.stringify({ success: o ?? {} }));
          audits.push({ phase: 'success', eventId: options.eventId, meta: o?.meta ?? {} });
        },
        async fail(o: { meta?: JsonObject; error: Error }) {
          event.outcome = 'failure';
          event.error = o.error;
          records.push(JSON.stringify({ fail: o.meta ?? {}, error: o.error.message, stack: o.error.stack }));
          audits.push({ phase: 'fail', eventId: options.eventId, error: String(o.error), meta: o.meta ?? {} });
        },
      };
    },
  };
}

/** A logger and an auditor that keep everything an action run said. */
export interface Capture {
  logger: LoggerService & { lines: string[] };
  auditor: ReturnType<typeof capturingAuditor>;
  lines: string[];
  audits: JsonObject[];
  /** All of it as one text, to search for secrets. */
  text(): string;
}

export function capture(): Capture {
  const logger = capturingLogger();
  const auditor = capturingAuditor();
  return {
    logger,
    auditor,
    lines: logger.lines,
    audits: auditor.audits,
    text: () => [...logger.lines, ...auditor.records].join('\n'),
  };
}

/** A catalog Resource entity, as catalog/*.yaml declares them. */
export function resource(name: string, type: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default' },
    spec: { type, owner: 'group:default/dba-team' },
  };
}

/** The action factories' deps: `config`, a catalog holding `entities`, and `cap`'s logger and auditor. */
export function makeDeps(config: JsonObject, entities: Entity[], cap: Capture): PlantOpsDeps {
  return {
    config: mockServices.rootConfig({ data: config }),
    logger: cap.logger,
    auditor: cap.auditor,
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    discovery: mockServices.discovery(),
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
  opts: { dryRun?: boolean; signal?: AbortSignal; logger?: LoggerService & { lines: string[] }; checkpointCache?: Map<string, unknown>; taskId?: string; workspacePath?: string } = {},
): Promise<ActionRun> {
  const logger = opts.logger ?? capturingLogger();
  const output: Record<string, unknown> = {};
  const checkpoints: string[] = [];
  const cache = opts.checkpointCache;
  const ctx = createMockActionContext({ input, logger, task: { id: opts.taskId ?? 'task-1' }, ...(opts.workspacePath ? { workspacePath: opts.workspacePath } : {}) });
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

/**
 * `runAction` for tests that expect success: resolves with the outputs,
 * rejects with the action's error. Pass the same `checkpoints` again to
 * replay a retried task.
 */
export async function run(
  action: TemplateAction<any, any, any>,
  input: JsonObject,
  opts: { cap: Capture; dryRun?: boolean; checkpoints?: Map<string, unknown>; signal?: AbortSignal; workspacePath?: string },
): Promise<Record<string, any>> {
  const r = await runAction(action, input, { dryRun: opts.dryRun, signal: opts.signal, logger: opts.cap.logger, checkpointCache: opts.checkpoints, workspacePath: opts.workspacePath });
  if (r.error) throw r.error;
  return r.output;
}
