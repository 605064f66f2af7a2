import type { JsonValue } from '@backstage/types';

export const APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'expired', 'cancelled'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A four-eyes approval request, as the REST API returns it. */
export interface Approval {
  id: string;
  status: ApprovalStatus;
  /** What is to be done, in a sentence. */
  title: string;
  /** The entity the operation touches, e.g. component:default/ms5-gateway. */
  target: string;
  environment: string;
  /** User entity ref of whoever started the task; never allowed to decide. */
  requester: string;
  taskId: string;
  templateRef?: string;
  /** The plan and the dry-run output of the steps before, secrets masked. */
  plan: JsonValue;
  dryRunOutput: JsonValue;
  createdAt: string;
  expiresAt: string;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
}

export interface NewApproval {
  taskId: string;
  /** Tells two approval steps of one task apart; one request per task and key. */
  key: string;
  title: string;
  target: string;
  environment: string;
  requester: string;
  templateRef?: string;
  plan: JsonValue;
  dryRunOutput: JsonValue;
  timeoutMinutes: number;
}
