export { plantApiRef } from './PlantApi';
export type { PlantApi } from './PlantApi';
export { PlantApiClient, PlantApiError } from './PlantApiClient';
export * from './types';
export { runbooksApiRef } from './RunbooksApi';
export type {
  RunbooksApi,
  RunbookList,
  StartIncidentRequest,
  IncidentEventRequest,
  Deployment,
} from './RunbooksApi';
export { RunbooksApiClient } from './RunbooksApiClient';
export { healthApiRef } from './HealthApi';
export type { HealthApi, AlertsResponse, NowResponse, EntitySummary } from './HealthApi';
export { HealthApiClient } from './HealthApiClient';
export { approvalsApiRef } from './ApprovalsApi';
export type { Approval, ApprovalsApi, ApprovalStatus } from './ApprovalsApi';
export { ApprovalsApiClient } from './ApprovalsApiClient';
