import { getComponentData } from '@backstage/core-plugin-api';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { screen, within } from '@testing-library/react';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import plugin, { SitesPage, plantApiRef, plantLegacyPlugin } from './index';
import { plantSitesPage } from './plugin';
import { legacySitesRouteRef, sitesRouteRef } from './sitesRoutes';
import { mockPlantApi } from './testing/fixtures';
import { allEntities, machineAt } from './components/SitesPage/testData';

describe('plant plugin: Sites page', () => {
  it('registers page:plant/sites at /plant/sites with its own "Sites" nav entry', () => {
    expect(plugin.getExtension('page:plant/sites')).toBeDefined();
    const tester = createExtensionTester(plantSitesPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/plant/sites');
    expect(tester.get(coreExtensionData.title)).toBe('Sites');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
    // the app's nav only lists pages that have a route ref
    expect(tester.get(coreExtensionData.routeRef)).toBe(sitesRouteRef);
    expect(plugin.routes.sites).toBe(sitesRouteRef);
  });

  it('exports the classic SitesPage for the old frontend system', () => {
    expect(getComponentData(<SitesPage />, 'core.mountPoint')).toBe(
      legacySitesRouteRef,
    );
    expect(getComponentData(<SitesPage />, 'core.plugin')).toBe(
      plantLegacyPlugin,
    );
  });

  it('serves the sites at /plant/sites next to the overview at /plant', async () => {
    const api = mockPlantApi({
      getMachines: jest.fn().mockResolvedValue({
        items: [
          machineAt(
            'ms5-plant-a',
            'ms5-plant-a-filling',
            'filler',
            'Executing',
            new Date(),
          ),
        ],
      }),
    });
    renderTestApp({
      features: [plugin],
      initialRouteEntries: ['/plant/sites'],
      apis: [[plantApiRef, api], catalogApiMock({ entities: allEntities })],
    });
    const row = (
      await screen.findByRole(
        'link',
        { name: 'MS5.0 Plant A' },
        { timeout: 10_000 },
      )
    ).closest('tr') as HTMLElement;
    // no catalog plugin in this app: the links fall back to the plain path
    expect(
      within(row).getByRole('link', { name: 'MS5.0 Plant A' }),
    ).toHaveAttribute('href', '/catalog/default/site/ms5-plant-a');
    expect(
      within(row).getByRole('img', {
        name: 'MS5.0 Plant A live, worst state Executing (green)',
      }),
    ).toBeInTheDocument();
    // both pages have their own nav entry
    const nav = screen.getByRole('navigation', { name: 'sidebar nav' });
    expect(within(nav).getByRole('link', { name: 'Sites' })).toHaveAttribute(
      'href',
      '/plant/sites',
    );
    expect(within(nav).getByRole('link', { name: 'Plant' })).toHaveAttribute(
      'href',
      '/plant',
    );
    // the overview's line cards are not what /plant/sites shows
    expect(
      screen.queryByRole('region', { name: /^line / }),
    ).not.toBeInTheDocument();
  }, 20_000);
});
