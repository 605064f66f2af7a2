import { test, expect } from '@playwright/test';
import { createDryRunTask, signIn } from './support/session';

// Issue 6: the guest (an engineer of the MES team in app-config.yaml) fills
// the deploy template for a non-production environment, runs it in dry-run
// and sees the plan; the Approvals page renders.

test('the guest dry-runs the deploy template for staging and sees the plan', async ({ page }) => {
  await signIn(page);
  await page.goto('/create/templates/default/deploy');
  await expect(page.getByText('Deploy a service').first()).toBeVisible();

  const service = page.getByRole('combobox', { name: /Service/ }).or(page.getByLabel(/^Service/)).first();
  await service.click();
  await service.fill('scada');
  await page.getByRole('option', { name: /scada-service|SCADA control service/ }).first().click();
  await page.getByRole('button', { name: /Environment|staging/ }).or(page.getByLabel('Environment')).first().click();
  await page.getByRole('option', { name: 'staging' }).click();
  await page.screenshot({ path: 'test-results/deploy-form.png', fullPage: true });

  await createDryRunTask(page);
  // The plan step's log line and the dry-run summary.
  await expect(
    page.getByText(/Plan for Deploy a service on component:default\/scada-service \(staging\): plant:argocd:sync, plant:kubernetes:rollout-status \(dry-run: nothing will change\)/).first(),
  ).toBeVisible({ timeout: 120_000 });
  // The steps planned against the ArgoCD and Kubernetes doubles; the summary says nothing changed.
  await expect(page.getByText('Dry-run: nothing was changed').first()).toBeVisible();
  await expect(page.getByText(/Would sync ArgoCD application iip-platform-prod \(instance iip\) from 9b7e3d0 to its target revision/).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/deploy-dry-run.png', fullPage: true });
});

test('the Approvals page lists approval requests', async ({ page }) => {
  await signIn(page);
  await page.goto('/plant/approvals');
  await expect(page.getByRole('tab', { name: 'Pending' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'All' })).toBeVisible();
  await expect(page.getByText('Approval requests').first()).toBeVisible();
  await expect(page.getByText(/could not|Error/i)).toHaveCount(0);
  await page.screenshot({ path: 'test-results/approvals.png', fullPage: true });
});
