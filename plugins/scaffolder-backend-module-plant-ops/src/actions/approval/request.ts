import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonValue } from '@backstage/types';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { ApprovalsClient, type ApprovalRecord } from './ApprovalsClient';
import { examples } from './request.examples';
import { dryRunField } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export const APPROVAL_ACTION_ID = 'plant:approval:request';
export const APPROVAL_CATEGORIES = ['deploy', 'database', 'rotation', 'maintenance', 'backup', 'site'] as const;

export interface ApprovalActionOptions extends PlantOpsDeps {
  /** How often to ask the plant backend whether someone decided. Default 5 s. */
  pollIntervalMs?: number;
  client?: ApprovalsClient;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>(resolve => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

/**
 * `plant:approval:request`: opens a four-eyes approval request in the plant
 * backend with the plan and dry-run output of the steps before, then waits
 * until someone other than the requester approves it in the portal. Denied,
 * expired or cancelled requests fail the step, so the production steps after
 * it never run.
 */
export function createApprovalRequestAction(options: ApprovalActionOptions) {
  const { auditor, config } = options;
  const client = options.client ?? new ApprovalsClient(options);
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  const appBaseUrl = config.getOptionalString('app.baseUrl') ?? '';

  return createTemplateAction({
    id: APPROVAL_ACTION_ID,
    description:
      'Holds the task until a second person approves the change in the portal (Approvals page). The requester can never approve their own request.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        dryRun: dryRunField,
        title: z => z.string().min(1).max(500).describe('What the change does, in one sentence, e.g. "Sync ms5-gateway in production"'),
        target: z => z.string().min(1).describe('Entity ref of what the change touches, e.g. component:default/ms5-gateway'),
        environment: z => z.string().min(1).describe('The environment the change touches, e.g. production; the permission policy decides on it'),
        category: z =>
          z
            .enum(APPROVAL_CATEGORIES)
            .describe('What kind of change: database and rotation requests may also come from the DBA and security teams'),
        plan: z => z.any().optional().describe('The plan: usually the output of the dry-run steps before this one'),
        dryRunOutput: z => z.any().optional().describe('Further dry-run output to show the approver'),
        timeoutMinutes: z => z.number().int().min(1).max(1440).default(60).describe('Fail the step when nobody decides within this many minutes (1-1440)'),
        key: z => z.string().min(1).max(100).default('approval').describe('Distinguishes two approval steps in one template'),
      },
      output: {
        approvalId: z => z.string().describe('The approval request id'),
        approvedBy: z => z.string().describe('User entity ref of who approved'),
        decidedAt: z => z.string().describe('When it was approved (ISO 8601)'),
        comment: z => z.string().optional().describe("The approver's comment"),
        url: z => z.string().describe('The request on the Approvals page'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const requester = ctx.user?.ref;
      if (!requester) {
        throw fieldError('user', 'the task has no signed-in user to request the approval', 'run the template signed in, not as a service');
      }
      // The target is the text the template gives: nothing to resolve or read.
      const op = await startOperation(ctx, auditor, async () => ({ id: input.target }));
      const { dryRun } = op;
      await op.run(APPROVAL_ACTION_ID, {}, async () => {
        if (dryRun) {
          const planned = `would ask (${input.category}) a second person to approve "${input.title}" on ${input.target} (${input.environment}), waiting up to ${input.timeoutMinutes} min`;
          ctx.logger.info(`[dry run] ${planned}`);
          ctx.output('approvalId', 'dry-run');
          ctx.output('approvedBy', 'dry-run');
          ctx.output('decidedAt', new Date().toISOString());
          ctx.output('url', `${appBaseUrl}/plant/approvals`);
          return { planned };
        }
        // One request per task and key, also when a retried task runs this step again.
        const id = await ctx.checkpoint({
          key: `approval-request-${input.key}`,
          fn: async () =>
            (
              await client.open({
                taskId: ctx.task.id,
                key: input.key,
                title: input.title,
                target: input.target,
                environment: input.environment,
                requester,
                templateRef: ctx.templateInfo?.entityRef,
                plan: (input.plan ?? null) as JsonValue,
                dryRunOutput: (input.dryRunOutput ?? null) as JsonValue,
                timeoutMinutes: input.timeoutMinutes,
              })
            ).id,
        });
        const url = `${appBaseUrl}/plant/approvals/${id}`;
        ctx.logger.info(`Waiting for a second person to approve "${input.title}": ${url}`);

        let approval: ApprovalRecord = await client.get(id);
        while (approval.status === 'pending') {
          if (ctx.signal?.aborted) {
            await client.close(id, 'cancelled', `task ${ctx.task.id} was cancelled`);
            throw new Error(`Approval request ${id} withdrawn: the task was cancelled`);
          }
          if (Date.now() >= Date.parse(approval.expiresAt)) {
            approval = await client.close(id, 'expired', `nobody decided within ${input.timeoutMinutes} min`);
            break;
          }
          await sleep(Math.min(pollIntervalMs, Math.max(0, Date.parse(approval.expiresAt) - Date.now())), ctx.signal);
          approval = await client.get(id);
        }
        const comment = approval.comment ? `: ${approval.comment}` : '';
        switch (approval.status) {
          case 'approved':
            break;
          case 'denied':
            throw new Error(`Denied by ${approval.decidedBy}${comment}. Nothing after this step ran.`);
          case 'expired':
            throw new Error(`Nobody approved "${input.title}" within ${input.timeoutMinutes} min; the request expired and nothing after this step ran. Run the template again when an approver is available.`);
          default:
            throw new Error(`Approval request ${id} is ${approval.status}${comment}; nothing after this step ran.`);
        }
        ctx.logger.info(`Approved by ${approval.decidedBy}${comment}`);
        ctx.output('approvalId', id);
        ctx.output('approvedBy', approval.decidedBy!);
        ctx.output('decidedAt', approval.decidedAt!);
        if (approval.comment) ctx.output('comment', approval.comment);
        ctx.output('url', url);
        return { approvalId: id, approvedBy: approval.decidedBy! };
      });
    },
  });
}
