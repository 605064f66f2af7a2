export { AlertsCard } from './AlertsCard';
export { AlertsTable } from './AlertsTable';
