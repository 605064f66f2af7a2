import { test, expect } from '@playwright/test';
import { ALERT_TIMEOUT, SCADA, signIn } from './support/session';

// Issue 7: on-call starts an incident from the firing ServiceDown on the Now
// page, lands on its runbook beside the live state, launches the runbook's
// rollback step as a dry-run template, submits it and waits for the task to
// finish, then finds the step with the task's outcome on the incident's
// timeline and in its Markdown export.

test('from a firing alert to its runbook, a dry-run template step, and the incident timeline with its outcome', async ({ page }) => {
  test.setTimeout(ALERT_TIMEOUT + 300_000);
  await signIn(page);

  await page.goto('/plant/now');
  const row = page.getByRole('row').filter({ hasText: 'ServiceDown' }).filter({ hasText: /SCADA control service|scada-service/ }).first();
  await expect(row).toBeVisible({ timeout: ALERT_TIMEOUT });
  await expect(row.getByRole('link', { name: 'runbook' })).toHaveAttribute('href', /\/runbooks\/service-down\?/);

  // Start incident from the alert: severity from the alert, its entity, its runbook.
  await row.getByRole('button', { name: 'Start incident' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText(`Affected: ${SCADA}`)).toBeVisible();
  await expect(dialog.getByText('Runbook: service-down')).toBeVisible();
  await expect(dialog.getByRole('button', { name: /P1/ }).or(dialog.getByText('P1')).first()).toBeVisible();
  await dialog.getByRole('button', { name: 'Start incident' }).click();

  // The runbook opens with the incident attached.
  await expect(page).toHaveURL(/\/runbooks\/service-down\?.*incident=/);
  expect(new URL(page.url()).searchParams.get('entity')).toBe(SCADA);
  const incidentId = new URL(page.url()).searchParams.get('incident')!;
  await expect(page.getByRole('heading', { name: 'Service down' })).toBeVisible();
  await expect(page.getByRole('button', { name: `Incident ${incidentId}` })).toBeVisible();
  // Live context: the alert firing, and the Deployment's revision from the Kubernetes API.
  await expect(page.getByRole('table', { name: 'alerts' }).getByText('ServiceDown').first()).toBeVisible();
  await expect(page.getByText(/Kubernetes revision 1: Deployment scada-service in iip-prod-cluster\/iip-applications/).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/runbook-service-down.png', fullPage: true });

  // The rollback step: recorded on the incident, then the template opens prefilled; submitted as a dry run.
  const runRollback = page.getByRole('link', { name: 'Run template rollback' }).or(page.getByRole('button', { name: 'Run template rollback' })).first();
  const href = await runRollback.getAttribute('href');
  expect(href).toMatch(/^\/create\/templates\/default\/rollback\?formData=/);
  const formData = JSON.parse(new URL(href!, 'http://x').searchParams.get('formData')!);
  expect(formData).toMatchObject({ entity: SCADA, namespace: 'iip-applications', environment: 'production' });
  await runRollback.click();
  await expect(page).toHaveURL(/\/create\/templates\/default\/rollback/);
  await page.screenshot({ path: 'test-results/rollback-form.png', fullPage: true });
  // Each page waited for (a helper that checks visibility without waiting can
  // run out of clicks on a slow machine and never reach Create).
  await expect(page.getByRole('checkbox', { name: /Dry-run/ })).toBeChecked();
  await page.getByRole('button', { name: 'Next' }).click();
  const confirm = page.getByRole('textbox', { name: /Type the target's name to confirm/ });
  await expect(confirm).toBeVisible();
  await confirm.fill('scada-service');
  // The production change record is hidden from the guest, so Confirm is the last page.
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/create\/tasks\/[0-9a-f-]+/);
  const taskId = page.url().split('/create/tasks/')[1];
  await expect(page.getByText(/\(dry-run: nothing will change\)/).first()).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText(/Would roll iip-applications\/deployment\/scada-service back from revision 2 .* to the template of revision 1/).first()).toBeVisible({ timeout: 120_000 });
  await page.screenshot({ path: 'test-results/rollback-dry-run.png', fullPage: true });

  // The incident: the launch, then the task with its link and outcome (the backend follows it).
  await page.goto(`/runbooks/incidents/${incidentId}`);
  await expect(page.getByRole('heading', { name: new RegExp(`Incident ${incidentId}: ServiceDown`) })).toBeVisible();
  await expect(page.getByText(`P1 · open · commander`)).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Launched template rollback from step' }).first()).toContainText('(launched)');
  const outcome = page.getByRole('row').filter({ hasText: 'Dry-run task of template rollback completed' });
  await expect(outcome.first()).toBeVisible({ timeout: 60_000 });
  await expect(outcome.first()).toContainText('(dry-run completed)');
  await expect(outcome.first().getByRole('link', { name: 'task' })).toHaveAttribute('href', new RegExp(`/create/tasks/${taskId}$`));
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'acknowledgement' }).first()).toBeVisible();

  // The Markdown export says the same.
  await page.getByRole('button', { name: 'Export as Markdown' }).click();
  const markdown = page.locator('pre, code').filter({ hasText: 'Launched template rollback from step' }).first();
  await expect(markdown).toBeVisible();
  const text = (await markdown.textContent()) ?? '';
  expect(text).toContain(`# Incident ${incidentId}: ServiceDown`);
  expect(text).toContain('- Severity: P1');
  expect(text).toContain(`- Affected: ${SCADA}`);
  expect(text).toContain('- Alert: ServiceDown');
  expect(text).toContain('- Runbook: service-down');
  expect(text).toMatch(/\| opened \| P1 incident opened, from alert ServiceDown, with runbook service-down/);
  expect(text).toMatch(/Launched template rollback from step "Roll back if a deployment started it" \(runbook service-down, step 3\) template rollback outcome: launched/);
  expect(text).toMatch(/Dry-run task of template rollback started \(runbook service-down, step 3\) template rollback outcome: running \[task\]\(http:\/\/localhost:3000\/create\/tasks\//);
  expect(text).toContain(
    `| template-task | Dry-run task of template rollback completed (runbook service-down, step 3) template rollback outcome: dry-run completed [task](http://localhost:3000/create/tasks/${taskId}) |`,
  );
  expect(text).toMatch(/\| acknowledgement \| Acknowledged \|/);
  // In the order it happened.
  const order = ['| opened |', 'Launched template rollback', 'Dry-run task of template rollback started', 'Dry-run task of template rollback completed', '| acknowledgement |'];
  expect(order.map(s => text.indexOf(s))).toEqual(order.map(s => text.indexOf(s)).slice().sort((a, b) => a - b));
  await page.screenshot({ path: 'test-results/incident-timeline.png', fullPage: true });

  // The portal's own rollback run is among the recent deployments.
  await page.goto(`/runbooks/service-down?entity=${encodeURIComponent(SCADA)}`);
  await expect(page.getByText(/Portal run rollback: Dry-run of rollback in production by user:development\/guest: completed/).first()).toBeVisible();
});
