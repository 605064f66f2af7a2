import { test, expect } from '@playwright/test';
import { ALERT_TIMEOUT, signIn } from './support/session';

// Issue 5: the Now page lists what fires (the real Prometheus's ServiceDown on
// a dead target labelled scada-service, through the real Alertmanager), and
// scada-service's page shows its Health (Kubernetes workload probe against
// the double) and Alerts cards.

test('the Now page lists the firing ServiceDown and scada-service shows Health and Alerts cards', async ({ page }) => {
  test.setTimeout(ALERT_TIMEOUT + 120_000);
  await signIn(page);

  await page.goto('/plant/now');
  const firing = page.locator('article, .MuiCard-root').filter({ hasText: /^Firing \(/ }).first();
  await expect(page.getByText(/^Firing \(\d+\)$/)).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: 'ServiceDown' }).filter({ hasText: /SCADA control service|scada-service/ });
  await expect(row.first()).toBeVisible({ timeout: ALERT_TIMEOUT });
  await expect(row.first()).toContainText('firing');
  await expect(row.first().getByRole('link', { name: 'runbook' })).toBeVisible();
  await expect(page.getByText(/^Not ok \(\d+\)$/)).toBeVisible();
  void firing;
  await page.screenshot({ path: 'test-results/now.png', fullPage: true });

  await page.goto('/catalog/default/component/scada-service');
  const health = page.locator('.MuiCard-root').filter({ has: page.getByText('Health', { exact: true }) }).first();
  await expect(health).toBeVisible();
  // The workload probe reads the Deployment from the double: 2 of 2 ready.
  await expect(health).toContainText(/2\/2|2 of 2/, { timeout: 60_000 });
  await expect(health).not.toContainText('No health data');
  const alerts = page.locator('.MuiCard-root').filter({ has: page.getByText('Alerts', { exact: true }) }).first();
  await expect(alerts.getByRole('row').filter({ hasText: 'ServiceDown' }).first()).toBeVisible();
  await expect(alerts.getByRole('link', { name: 'runbook' }).first()).toHaveAttribute('href', /\/runbooks\/service-down/);
  await page.screenshot({ path: 'test-results/scada-service-health-alerts.png', fullPage: true });
});
