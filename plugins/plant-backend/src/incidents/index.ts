export { IncidentStore } from './IncidentStore';
export type { NewIncident, NewIncidentEvent } from './IncidentStore';
export { createIncidentsRouter } from './router';
