import { test, expect } from '@playwright/test';
import { signIn } from './support/session';

// Issue 4: a service's Kubernetes tab shows its pods (from the Kubernetes API
// double scripts/e2e.sh starts, seeded with scada-service's Deployment), and
// a Site page shows its lines and relations.

test('the Kubernetes tab of scada-service shows its Deployment and pods', async ({ page }) => {
  await signIn(page);
  await page.goto('/catalog/default/component/scada-service/kubernetes');
  // The cluster from the e2e config locator with the Deployment's two ready pods.
  const cluster = page.getByRole('button', { name: /iip-prod-cluster/ }).first();
  await expect(cluster).toBeVisible();
  await expect(cluster).toContainText('2 pods');
  await expect(cluster).toContainText('No pods with errors');
  // Every object type the plugin fetches (HPAs, Jobs, CronJobs, LimitRanges,
  // ResourceQuotas, ...) answered: no warning panel naming a failed resource.
  await expect(page.getByText('There was a problem retrieving Kubernetes objects')).toHaveCount(0);
  await expect(page.getByText(/Error fetching Kubernetes resource|Error communicating with Kubernetes/)).toHaveCount(0);
  await cluster.click();
  await expect(page.getByText('scada-service', { exact: true }).first()).toBeVisible();
  // Expand the Deployment's row (its name opens a drawer instead) to list its pods.
  await page.locator('[aria-expanded="false"]').filter({ hasText: 'scada-service' }).first().click();
  const podName = page.getByText(/^scada-service-[0-9a-f]{10}-[a-z0-9]{5}$/);
  await expect(podName.first()).toBeVisible();
  expect(await podName.count()).toBe(2);
  await page.screenshot({ path: 'test-results/scada-service-kubernetes.png', fullPage: true });
});

test('a Site page shows its lines and relations', async ({ page }) => {
  await signIn(page);
  await page.goto('/catalog/default/site/ms5-plant-a');
  await expect(page.getByText('Relations', { exact: true }).first()).toBeVisible();
  const graph = page.locator('svg#dependency-graph').first();
  await expect(graph).toBeVisible();
  // The site hasPart its line, and the line's machines are served by MS5.0 services.
  await expect(graph).toContainText('productionline:default/ms5-plant-a-filling');
  await expect(page.getByText('has part', { exact: false }).or(page.getByText('hasPart')).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/site-ms5-plant-a.png', fullPage: true });
});
