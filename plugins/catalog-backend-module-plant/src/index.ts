/**
 * Catalog backend module for Plantops: the Site and ProductionLine kinds.
 *
 * @packageDocumentation
 */

export { catalogModulePlantEntities as default } from './module';
export { catalogModulePlantEntities } from './module';
export { PlantEntitiesProcessor } from './PlantEntitiesProcessor';
