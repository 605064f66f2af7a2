export { RunbooksContent } from './RunbooksPage';
export { RunbookView } from './RunbookView';
export { contextFor, templateHref } from './context';
