export * from './types';
export { parseRunbook } from './parse';
export type { RunbookParseResult } from './parse';
export * from './references';
export { resolveParameters, checkExpression, expressionsIn, EXPRESSION_ROOTS, CONTEXT_KEYS } from './expressions';
export type { RunbookContext } from './expressions';
export * from './incidents';
