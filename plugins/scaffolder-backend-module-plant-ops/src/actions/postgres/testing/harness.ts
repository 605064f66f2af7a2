import type { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject, JsonValue } from '@backstage/types';
import type { PlantOpsDeps } from '../../../deps';

/** Everything an action run left behind: log lines, audit records, outputs. */
export interface Capture {
  lines: string[];
  audits: JsonObject[];
  /** All of it as one text, to search for secrets. */
  text(): string;
}

export function capture(): Capture & { logger: LoggerService; auditor: AuditorService } {
  const lines: string[] = [];
  const audits: JsonObject[] = [];
  const logger: LoggerService = {
    error: (m, meta) => void lines.push(`error ${m} ${JSON.stringify(meta ?? {})}`),
    warn: (m, meta) => void lines.push(`warn ${m} ${JSON.stringify(meta ?? {})}`),
    info: (m, meta) => void lines.push(`info ${m} ${JSON.stringify(meta ?? {})}`),
    debug: (m, meta) => void lines.push(`debug ${m} ${JSON.stringify(meta ?? {})}`),
    child: () => logger,
  };
  const auditor: AuditorService = {
    async createEvent(opts) {
      audits.push({ phase: 'start', eventId: opts.eventId, meta: opts.meta ?? {} });
      return {
        async success(o) {
          audits.push({ phase: 'success', eventId: opts.eventId, meta: o?.meta ?? {} });
        },
        async fail(o) {
          audits.push({ phase: 'fail', eventId: opts.eventId, error: String(o.error), meta: o.meta ?? {} });
        },
      };
    },
  };
  return { lines, audits, logger, auditor, text: () => [...lines, JSON.stringify(audits)].join('\n') };
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

export function makeDeps(config: JsonObject, entities: Entity[], cap: ReturnType<typeof capture>): PlantOpsDeps {
  return {
    config: mockServices.rootConfig({ data: config }),
    logger: cap.logger,
    auditor: cap.auditor,
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    discovery: mockServices.discovery(),
  };
}

/**
 * Runs an action as the scaffolder would: outputs collected, checkpoints kept
 * in `checkpoints` (pass the same map again to simulate a retried task).
 */
export async function run(
  action: TemplateAction<any, any, any>,
  input: JsonObject,
  opts: { cap: Capture & { logger: LoggerService }; dryRun?: boolean; checkpoints?: Map<string, JsonValue>; signal?: AbortSignal },
): Promise<Record<string, JsonValue>> {
  const outputs: Record<string, JsonValue> = {};
  const checkpoints = opts.checkpoints ?? new Map<string, JsonValue>();
  const ctx = {
    ...createMockActionContext({ input, logger: opts.cap.logger }),
    isDryRun: opts.dryRun ?? false,
    signal: opts.signal,
    user: { ref: 'user:default/test-engineer' },
    output: (name: string, value: JsonValue) => {
      outputs[name] = value;
    },
    checkpoint: async ({ key, fn }: { key: string; fn: () => Promise<any> }) => {
      if (checkpoints.has(key)) return checkpoints.get(key);
      const value = await fn();
      checkpoints.set(key, value === undefined ? null : JSON.parse(JSON.stringify(value)));
      return value;
    },
  };
  await action.handler(ctx as any);
  return outputs;
}
