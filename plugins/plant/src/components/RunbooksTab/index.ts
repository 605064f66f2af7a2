export { EntityRunbooksContent, runbookHref } from './EntityRunbooksContent';
