import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { JsonValue } from '@backstage/types';
import { sameEntityRef } from '@plantops/backstage-plugin-plant-common';
import type { Approval, ApprovalStatus, NewApproval } from './types';
import { pluginDatabase } from '../database/pluginDatabase';
import { redactSecrets } from './redact';

const TABLE = 'plant_approval';

interface Row {
  id: string;
  task_id: string;
  request_key: string;
  status: ApprovalStatus;
  title: string;
  target: string;
  environment: string;
  requester: string;
  template_ref: string | null;
  plan: string;
  dry_run_output: string;
  created_at: string;
  expires_at: string;
  decided_by: string | null;
  decided_at: string | null;
  comment: string | null;
}

function fromRow(r: Row): Approval {
  return {
    id: r.id,
    status: r.status,
    title: r.title,
    target: r.target,
    environment: r.environment,
    requester: r.requester,
    taskId: r.task_id,
    templateRef: r.template_ref ?? undefined,
    plan: JSON.parse(r.plan) as JsonValue,
    dryRunOutput: JSON.parse(r.dry_run_output) as JsonValue,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    decidedBy: r.decided_by ?? undefined,
    decidedAt: r.decided_at ?? undefined,
    comment: r.comment ?? undefined,
  };
}

/**
 * Approval requests in the plant plugin's Backstage database (SQLite in the
 * embedded default, PostgreSQL in production). Times are ISO 8601 UTC text,
 * which compare correctly as strings on both.
 */
export class ApprovalStore {
  static async create(database: DatabaseService, now: () => Date = () => new Date()): Promise<ApprovalStore> {
    return new ApprovalStore(await pluginDatabase(database), now);
  }

  constructor(private readonly db: Knex, private readonly now: () => Date = () => new Date()) {}

  /** Opens a request, or returns the one this task already opened under the same key. */
  async open(input: NewApproval): Promise<{ approval: Approval; created: boolean }> {
    const existing = await this.db<Row>(TABLE).where({ task_id: input.taskId, request_key: input.key }).first();
    if (existing) return { approval: fromRow(await this.expireIfDue(existing)), created: false };
    const created = this.now();
    const row: Row = {
      id: randomUUID(),
      task_id: input.taskId,
      request_key: input.key,
      status: 'pending',
      title: input.title,
      target: input.target,
      environment: input.environment,
      requester: input.requester,
      template_ref: input.templateRef ?? null,
      plan: JSON.stringify(redactSecrets(input.plan ?? null)),
      dry_run_output: JSON.stringify(redactSecrets(input.dryRunOutput ?? null)),
      created_at: created.toISOString(),
      expires_at: new Date(created.getTime() + input.timeoutMinutes * 60_000).toISOString(),
      decided_by: null,
      decided_at: null,
      comment: null,
    };
    try {
      await this.db<Row>(TABLE).insert(row);
    } catch (e) {
      // Two replicas raced on the same task and key: the other insert won.
      const raced = await this.db<Row>(TABLE).where({ task_id: input.taskId, request_key: input.key }).first();
      if (raced) return { approval: fromRow(raced), created: false };
      throw e;
    }
    return { approval: fromRow(row), created: true };
  }

  async get(id: string): Promise<Approval> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    if (!row) throw new NotFoundError(`No approval request ${id}`);
    return fromRow(await this.expireIfDue(row));
  }

  async list(filter: { status?: ApprovalStatus; limit?: number } = {}): Promise<Approval[]> {
    await this.expireDue();
    const q = this.db<Row>(TABLE).orderBy('created_at', 'desc').limit(filter.limit ?? 200);
    if (filter.status) q.where({ status: filter.status });
    return (await q).map(fromRow);
  }

  /**
   * Approves or denies a pending request. The requester can never decide
   * their own request; a decided, expired or cancelled one stays as it is.
   */
  async decide(id: string, d: { approve: boolean; by: string; comment?: string }): Promise<Approval> {
    const current = await this.get(id);
    if (sameEntityRef(current.requester, d.by)) {
      throw new NotAllowedError(`${d.by} requested this change and cannot decide it; a second person must approve or deny it`);
    }
    if (current.status !== 'pending') {
      throw new ConflictError(`Approval request ${id} is ${current.status}${current.decidedBy ? ` (by ${current.decidedBy})` : ''}; only a pending request can be decided`);
    }
    const at = this.now().toISOString();
    const changed = await this.db<Row>(TABLE)
      .where({ id, status: 'pending' })
      .andWhere('expires_at', '>', at)
      .update({ status: d.approve ? 'approved' : 'denied', decided_by: d.by, decided_at: at, comment: d.comment ?? null });
    if (changed !== 1) {
      const now = await this.get(id);
      throw new ConflictError(`Approval request ${id} is ${now.status}; only a pending request can be decided`);
    }
    return this.get(id);
  }

  /** Withdraws a pending request (the task was cancelled or timed out). No-op once decided. */
  async close(id: string, status: 'cancelled' | 'expired', reason: string): Promise<Approval> {
    await this.db<Row>(TABLE)
      .where({ id, status: 'pending' })
      .update({ status, decided_at: this.now().toISOString(), comment: reason });
    return this.get(id);
  }

  private async expireIfDue(row: Row): Promise<Row> {
    const at = this.now().toISOString();
    if (row.status !== 'pending' || row.expires_at > at) return row;
    await this.db<Row>(TABLE).where({ id: row.id, status: 'pending' }).update({ status: 'expired', decided_at: at });
    return (await this.db<Row>(TABLE).where({ id: row.id }).first())!;
  }

  private async expireDue(): Promise<void> {
    const at = this.now().toISOString();
    await this.db<Row>(TABLE).where({ status: 'pending' }).andWhere('expires_at', '<=', at).update({ status: 'expired', decided_at: at });
  }
}
