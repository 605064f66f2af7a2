import { test, expect } from '@playwright/test';
import { signIn } from './support/session';

// Smoke test of the running portal as a new user meets it: guest sign-in, the
// catalog of both platforms, an entity page and its dependency graph.

test('catalog lists both platforms and an entity page shows its graph', async ({
  page,
}) => {
  await signIn(page);

  await page.goto('/');
  await expect(page.getByRole('heading', { name: /Plantops Catalog/ })).toBeVisible();
  const search = page.getByPlaceholder('Search');

  const entityLink = (name: string) =>
    page.locator(`a[href$="/catalog/default/component/${name}"]`).first();
  for (const name of ['scada-service', 'ms5-gateway']) {
    await search.fill(name);
    await expect(entityLink(name)).toBeVisible();
  }
  await page.screenshot({ path: 'test-results/catalog.png', fullPage: true });

  await entityLink('ms5-gateway').click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/ms5-gateway/);
  await expect(page.getByText('Relations', { exact: true }).first()).toBeVisible();
  // The relations card draws the dependency graph: ms5-gateway depends on the
  // Kafka topic it produces to and the TimescaleDB primary.
  const graph = page.locator('svg#dependency-graph').first();
  await expect(graph).toBeVisible();
  await expect(graph).toContainText('resource:default/ms5-telemetry');
  await expect(graph).toContainText('resource:default/ms5-postgres-primary');
  await page.screenshot({ path: 'test-results/ms5-gateway.png', fullPage: true });

  // The scada-service page, and its Kubernetes tab for the cluster it runs on.
  await page.goto('/catalog/default/component/scada-service');
  await expect(page.getByText(/SCADA/i).first()).toBeVisible();
  await page.getByText('Kubernetes', { exact: true }).first().click();
  await expect(page).toHaveURL(/scada-service\/kubernetes/);
  await page.screenshot({ path: 'test-results/scada-service.png', fullPage: true });
});

test('the plant overview and a line page show live OEE from the demo plant', async ({
  page,
}) => {
  await signIn(page);

  // The embedded demo plant simulates the catalog's sites (catalog/sites.yaml).
  await page.goto('/plant');
  await expect(page.getByText('Plant A filling line')).toBeVisible();
  await expect(page.getByText('Plant B machining line')).toBeVisible();
  await expect(page.getByText(/filler: \w+/)).toBeVisible();
  await expect(page.getByText(/Shift OEE: \d+(\.\d)?%/).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/plant-overview.png', fullPage: true });

  await page.getByText('Plant A filling line').click();
  await expect(page).toHaveURL(/\/catalog\/default\/productionline\/ms5-plant-a-filling/);
  const card = page.locator('article, div').filter({ hasText: /^OEE/ }).first();
  await expect(card).toBeVisible();
  for (const label of ['Availability', 'Performance', 'Quality']) {
    await expect(page.getByText(label, { exact: true }).first()).toBeVisible();
  }
  await expect(page.getByText(/^\d+\.\d%$/).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/line-oee.png', fullPage: true });

  // The Sites page lists both demo sites with live telemetry.
  await page.goto('/plant/sites');
  for (const site of ['ms5-plant-a', 'iip-plant-b']) {
    await expect(page.locator(`a[href$="/catalog/default/site/${site}"]`).first()).toBeVisible();
  }
  await expect(page.getByText(/live/i).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/sites.png', fullPage: true });
});
