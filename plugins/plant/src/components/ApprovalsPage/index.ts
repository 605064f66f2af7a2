export { ApprovalsContent } from './ApprovalsContent';
export { ApprovalDetail } from './ApprovalDetail';
export { ApprovalsPage, ApprovalsRoutes } from './ApprovalsPage';
export { approvalsRouteRef, legacyApprovalsRouteRef } from './routes';
export { ApprovalsIcon } from './ApprovalsIcon';
