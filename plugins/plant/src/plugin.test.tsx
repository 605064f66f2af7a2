import { getComponentData } from '@backstage/core-plugin-api';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import plugin, {
  EntityPlantOeeCard,
  PlantOverviewPage,
  plantApiRef,
  plantLegacyPlugin,
} from './index';
import { legacyRootRouteRef } from './routes';
import { plantOeeEntityCard, plantOverviewPage } from './plugin';
import {
  groupOf,
  lineEntity,
  mockPlantApi,
  siteEntity,
  typicalHour,
} from './testing/fixtures';

describe('plant plugin', () => {
  it('is the default export, with its api, page and entity card', () => {
    expect(plugin.pluginId).toBe('plant');
    for (const id of [
      'api:plant',
      'page:plant',
      'entity-card:plant/oee',
    ] as const) {
      expect(plugin.getExtension(id)).toBeDefined();
    }
  });

  it('puts the overview at /plant with a "Plant" nav entry', () => {
    const tester = createExtensionTester(plantOverviewPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/plant');
    expect(tester.get(coreExtensionData.title)).toBe('Plant');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
  });

  it('shows the OEE card on Site and ProductionLine pages only', () => {
    const filter = createExtensionTester(plantOeeEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(filter(siteEntity)).toBe(true);
    expect(filter(lineEntity)).toBe(true);
    expect(
      filter({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'opcua-connector' },
      }),
    ).toBe(false);
    // same kind name from another apiVersion is not ours
    expect(filter({ ...lineEntity, apiVersion: 'example.com/v1' })).toBe(false);
  });

  it('exports the classic components for the old frontend system', () => {
    expect(getComponentData(<PlantOverviewPage />, 'core.mountPoint')).toBe(
      legacyRootRouteRef,
    );
    expect(getComponentData(<EntityPlantOeeCard />, 'core.plugin')).toBe(
      plantLegacyPlugin,
    );
    expect([...plantLegacyPlugin.getApis()].map(f => f.api)).toEqual([
      plantApiRef,
    ]);
  });

  it('serves the overview at /plant in an app', async () => {
    const api = mockPlantApi({
      getMachines: jest.fn().mockResolvedValue({
        items: [
          {
            site: 'ms5-plant-a',
            line: 'ms5-plant-a-filling',
            machine: 'filler',
            state: 'Executing',
          },
        ],
      }),
    });
    renderTestApp({
      features: [plugin],
      initialRouteEntries: ['/plant'],
      apis: [[plantApiRef, api], catalogApiMock({ entities: [] })],
    });
    expect(
      await screen.findByRole(
        'img',
        { name: 'filler Executing (green)' },
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    // no catalog plugin in this app: the drill-down falls back to the plain path
    expect(
      screen.getByRole('link', { name: 'ms5-plant-a-filling' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/productionline/ms5-plant-a-filling',
    );
  }, 20_000);

  it('renders the OEE card on a ProductionLine entity page', async () => {
    const api = mockPlantApi({
      getOee: jest.fn().mockResolvedValue({
        from: '',
        to: '',
        groups: [groupOf({}, typicalHour)],
      }),
    });
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: lineEntity }),
        plantOeeEntityCard,
      ],
      apis: [
        [plantApiRef, api],
        catalogApiMock({ entities: [siteEntity, lineEntity] }),
      ],
    });
    expect(
      await screen.findByRole(
        'group',
        { name: 'OEE 70.0%' },
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
  }, 20_000);
});
