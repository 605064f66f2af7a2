import { expect, Page } from '@playwright/test';

/** Guest sign-in: an Enter button unless a session already exists. */
export async function signIn(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  const catalog = page.getByRole('link', { name: 'Catalog', exact: true }).first();
  await expect(enter.or(catalog)).toBeVisible();
  if (await enter.isVisible()) await enter.click();
  await expect(catalog).toBeVisible();
}

/** The firing ServiceDown alert scripts/e2e.sh provokes (a dead scrape target labelled scada-service). */
export const SCADA = 'component:default/scada-service';

/**
 * Prometheus fires ServiceDown one minute after the dead target's first
 * scrape; the portal polls Alertmanager every few seconds after that.
 */
export const ALERT_TIMEOUT = 240_000;

/**
 * Runs a template already on its form page in dry-run: walks the form's
 * steps to the review, creates the task and waits for it to finish.
 * Returns the task page's URL.
 */
export async function createDryRunTask(page: Page, targetName?: string) {
  const dryRun = page.getByRole('checkbox', { name: /Dry-run/ });
  await expect(dryRun).toBeChecked();
  for (let i = 0; i < 5; i++) {
    // The templates' typed-name guard before anything destructive.
    const confirm = page.getByRole('textbox', { name: /Type the target's name to confirm/ });
    if (targetName && (await confirm.isVisible())) await confirm.fill(targetName);
    const review = page.getByRole('button', { name: 'Review' });
    if (await review.isVisible()) {
      await review.click();
      break;
    }
    await page.getByRole('button', { name: 'Next' }).click();
  }
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/create\/tasks\/[0-9a-f-]+/);
  return page.url();
}
