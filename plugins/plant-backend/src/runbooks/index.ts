export { RunbookService } from './RunbookService';
export type { RunbookServiceOptions } from './RunbookService';
export { createRunbooksRouter } from './router';
export { readRunbookFiles, readAlertNames } from './sources';
export type { RunbookLocation, RunbookFile } from './sources';
export { addOnCallRoutes } from './register';
