/**
 * Catalog backend module for Plantops: the Site and ProductionLine kinds and
 * the providers that keep sites, lines and services current.
 *
 * @packageDocumentation
 */

export { catalogModulePlantEntities as default } from './module';
export { catalogModulePlantEntities } from './module';
export { PlantEntitiesProcessor } from './PlantEntitiesProcessor';
export { SITE_REGISTRY_PATH } from './siteRegistry/router';
export type { SiteRegistration } from './siteRegistry/registration';
