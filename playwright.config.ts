import { defineConfig } from '@playwright/test';

// The portal is started by scripts/e2e.sh (so its log can be checked), and the
// browser is Debian's Chromium: Playwright's own browser download cannot run here.
export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 300_000,
  expect: { timeout: 90_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  outputDir: 'test-results/playwright',
  use: {
    viewport: { width: 1440, height: 900 },
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.PLANTOPS_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
