/**
 * Plant pages and entity cards. The default export is the plugin for the new
 * frontend system (the app discovers it); the named exports serve apps on
 * the old system.
 *
 * @packageDocumentation
 */
export { plantPlugin as default } from './plugin';
export {
  plantLegacyPlugin,
  EntityPlantOeeCard,
  PlantOverviewPage,
} from './legacy';
export { SitesPage } from './legacySites';
export { PlantApprovalsPage } from './components/ApprovalsPage/legacy';
export { approvalsApiFactory } from './api/approvalsApiFactory';
export {
  EntityPlantHealthCard,
  EntityPlantAlertsCard,
  PlantNowPage,
} from './components/NowPage/legacy';
export { healthApiFactory } from './api/healthApiFactory';
export {
  PlantRunbooksPage,
  EntityPlantRunbooksContent,
} from './components/RunbooksPage/legacy';
export { runbooksApiFactory } from './api/runbooksApiFactory';
export { isPlantEntity } from './lib/scope';
export * from './api';
