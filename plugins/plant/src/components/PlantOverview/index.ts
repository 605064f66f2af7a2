export { PlantOverviewContent } from './PlantOverviewContent';
export { PlantOverviewPage } from './PlantOverviewPage';
