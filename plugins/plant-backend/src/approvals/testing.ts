import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  type AuditorService,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ApprovalStore } from './ApprovalStore';
import { createApprovalsRouter } from './router';

/** Every audit event the approvals router wrote, with its outcome. */
export interface RecordedAudit {
  eventId: string;
  meta: Record<string, unknown>;
  outcome?: 'success' | 'fail';
  outcomeMeta?: Record<string, unknown>;
  error?: string;
}

/** An auditor that keeps the events in memory so a test can read them back. */
export function recordingAuditor(events: RecordedAudit[]) {
  return createServiceFactory({
    service: coreServices.auditor,
    deps: {},
    factory: (): AuditorService => ({
      async createEvent(o) {
        const e: RecordedAudit = { eventId: o.eventId, meta: { ...(o.meta ?? {}) } };
        events.push(e);
        return {
          async success(s) {
            e.outcome = 'success';
            e.outcomeMeta = s?.meta as Record<string, unknown>;
          },
          async fail(f) {
            e.outcome = 'fail';
            e.error = String(f.error?.message ?? f.error);
          },
        };
      },
    }),
  });
}

/**
 * Permissions that allow `plant.approval.decide` only to the given users, so
 * a test can play an on-call engineer and a bystander (the real policy has
 * its own tests in permission-backend-module-plant-policy).
 */
export function deciders(userRefs: string[]) {
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: (): PermissionsService => ({
      async authorize(requests, { credentials }) {
        const ref = (credentials.principal as { userEntityRef?: string }).userEntityRef ?? '';
        return requests.map(r => ({
          result:
            r.permission.name !== 'plant.approval.decide' || userRefs.includes(ref)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        }));
      },
      async authorizeConditional(requests) {
        return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
      },
    }),
  });
}

/** The approvals API alone under pluginId `plant`, without the telemetry parts. */
export const approvalsOnlyPlugin = createBackendPlugin({
  pluginId: 'plant',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        auditor: coreServices.auditor,
        logger: coreServices.logger,
      },
      async init({ database, httpRouter, ...rest }) {
        const store = await ApprovalStore.create(database);
        httpRouter.use(createApprovalsRouter({ store, ...rest }));
      },
    });
  },
});
