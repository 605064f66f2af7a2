export { IncidentStore } from './IncidentStore';
export type { NewIncident, NewIncidentEvent, FollowedTask } from './IncidentStore';
export { ScaffolderTasks } from './ScaffolderTasks';
export type { ScaffolderTask } from './ScaffolderTasks';
export { TaskFollower } from './TaskFollower';
export { createIncidentsRouter } from './router';
