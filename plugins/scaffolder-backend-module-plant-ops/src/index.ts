/**
 * Scaffolder actions for plant operations.
 *
 * @packageDocumentation
 */
export { scaffolderModulePlantOps as default } from './module';
