export { SitesContent } from './SitesContent';
export { SitesPage } from './SitesPage';
