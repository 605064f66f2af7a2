/**
 * Search backend module for Plantops: indexes the on-call runbooks the plant
 * backend serves, so they are found by alert name and symptom words.
 *
 * @packageDocumentation
 */
export { searchModulePlantRunbooks as default } from './module';
export { searchModulePlantRunbooks } from './module';
export { RunbookCollatorFactory, runbookDocument } from './RunbookCollatorFactory';
export type { RunbookDocument } from './RunbookCollatorFactory';
