export { ApprovalStore } from './ApprovalStore';
export { createApprovalsRouter, MAX_TIMEOUT_MINUTES } from './router';
export type { Approval, ApprovalStatus, NewApproval } from './types';
export { APPROVAL_STATUSES } from './types';
