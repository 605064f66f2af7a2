import { createApiRef } from '@backstage/core-plugin-api';

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';

/** A four-eyes approval request of the plant backend (`/api/plant/approvals`). */
export type Approval = {
  id: string;
  status: ApprovalStatus;
  title: string;
  target: string;
  environment: string;
  requester: string;
  taskId: string;
  templateRef?: string;
  plan: unknown;
  dryRunOutput: unknown;
  createdAt: string;
  expiresAt: string;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
};

/** Reads and decides approval requests; the backend checks who may. */
export interface ApprovalsApi {
  listApprovals(filter?: { status?: ApprovalStatus }): Promise<{ items: Approval[] }>;
  getApproval(id: string): Promise<Approval>;
  approve(id: string, comment?: string): Promise<Approval>;
  deny(id: string, comment?: string): Promise<Approval>;
}

export const approvalsApiRef = createApiRef<ApprovalsApi>({
  id: 'plugin.plant.approvals',
});
