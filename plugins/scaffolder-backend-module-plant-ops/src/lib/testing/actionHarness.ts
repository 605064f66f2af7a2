// Moved to __testUtils__ (where the lint rule allows dev dependencies); kept for the tests that import this path.
export * from '../__testUtils__/actionHarness';
