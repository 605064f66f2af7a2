import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  plantApprovalDecidePermission,
  plantApprovalReadPermission,
} from '@plantops/backstage-plugin-plant-common';
import type { JsonValue } from '@backstage/types';
import type { ApprovalStore } from './ApprovalStore';
import { APPROVAL_STATUSES } from './types';

/** The longest an approval may wait: a day. */
export const MAX_TIMEOUT_MINUTES = 24 * 60;

const json: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(json)]),
);

const newApproval = z.object({
  taskId: z.string({ required_error: 'taskId: required, the scaffolder task id' }).min(1),
  key: z.string().min(1).max(255).default('approval'),
  title: z.string({ required_error: 'title: required, what the change does in one sentence' }).min(1).max(500),
  target: z.string({ required_error: 'target: required, the entity ref of what the change touches' }).min(1).max(512),
  environment: z.string({ required_error: 'environment: required, e.g. production' }).min(1).max(64),
  requester: z
    .string({ required_error: 'requester: required, the user entity ref who started the task' })
    .regex(/^user:/, 'requester: must be a user entity ref such as user:default/jane'),
  templateRef: z.string().max(512).optional(),
  plan: json.default(null),
  dryRunOutput: json.default(null),
  timeoutMinutes: z
    .number()
    .int()
    .min(1, 'timeoutMinutes: at least 1')
    .max(MAX_TIMEOUT_MINUTES, `timeoutMinutes: at most ${MAX_TIMEOUT_MINUTES} (a day)`)
    .default(60),
});
const decision = z.object({ comment: z.string().max(2000).optional() });
const closing = z.object({
  status: z.enum(['cancelled', 'expired']),
  reason: z.string().min(1).max(2000),
});
const listQuery = z.object({
  status: z.enum(APPROVAL_STATUSES, {
    errorMap: () => ({ message: `status: must be one of ${APPROVAL_STATUSES.join(', ')}` }),
  }).optional(),
});

function parse<T>(schema: z.ZodType<T, any, any>, input: unknown): T {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw new InputError(r.error.issues.map(i => i.message).join('; '));
  return r.data;
}

export interface ApprovalsRouterOptions {
  store: ApprovalStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
}

/**
 * `/approvals`: four-eyes approval requests. Users read and decide them
 * (permission-checked here); only backend services (the
 * `plant:approval:request` action) open and close them. Every change goes
 * through the auditor.
 */
export function createApprovalsRouter(options: ApprovalsRouterOptions): express.Router {
  const { store, httpAuth, permissions, auditor, logger } = options;
  const router = Router();
  router.use('/approvals', express.json({ limit: '2mb' }));

  // Users need plant.approval.read; backend services (the action polling) may always read.
  async function authorizeRead(req: express.Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    if (credentials.principal.type === 'service') return;
    const [d] = await permissions.authorize([{ permission: plantApprovalReadPermission }], { credentials });
    if (d.result !== AuthorizeResult.ALLOW) throw new NotAllowedError('You may not read approval requests (plant.approval.read)');
  }

  router.get('/approvals', async (req, res) => {
    await authorizeRead(req);
    const q = parse(listQuery, req.query);
    res.json({ items: await store.list({ status: q.status }) });
  });

  router.get('/approvals/:id', async (req, res) => {
    await authorizeRead(req);
    res.json(await store.get(req.params.id));
  });

  router.post('/approvals', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const input = parse(newApproval, req.body);
    const audit = await auditor.createEvent({
      eventId: 'approval-request',
      severityLevel: 'medium',
      request: req,
      meta: { taskId: input.taskId, title: input.title, target: input.target, environment: input.environment, requester: input.requester },
    });
    try {
      const { approval, created } = await store.open(input);
      await audit.success({ meta: { approvalId: approval.id, created } });
      if (created) logger.info(`Approval ${approval.id} requested by ${approval.requester}: ${approval.title}`);
      res.status(created ? 201 : 200).json(approval);
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  for (const verb of ['approve', 'deny'] as const) {
    router.post(`/approvals/:id/${verb}`, async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const by = credentials.principal.userEntityRef;
      const { comment } = parse(decision, req.body);
      const audit = await auditor.createEvent({
        eventId: 'approval-decide',
        severityLevel: 'high',
        request: req,
        meta: { approvalId: req.params.id, decision: verb, by },
      });
      try {
        const [d] = await permissions.authorize([{ permission: plantApprovalDecidePermission }], { credentials });
        if (d.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(`${by} may not decide approval requests (plant.approval.decide); ask someone on call or a platform lead`);
        }
        const approval = await store.decide(req.params.id, { approve: verb === 'approve', by, comment });
        await audit.success({ meta: { status: approval.status, requester: approval.requester, target: approval.target, environment: approval.environment } });
        logger.info(`Approval ${approval.id} ${approval.status} by ${by}`);
        res.json(approval);
      } catch (error) {
        await audit.fail({ error: error as Error });
        throw error;
      }
    });
  }

  router.post('/approvals/:id/close', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const { status, reason } = parse(closing, req.body);
    const audit = await auditor.createEvent({
      eventId: 'approval-close',
      severityLevel: 'medium',
      request: req,
      meta: { approvalId: req.params.id, status, reason },
    });
    try {
      const approval = await store.close(req.params.id, status, reason);
      await audit.success({ meta: { status: approval.status } });
      res.json(approval);
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}
