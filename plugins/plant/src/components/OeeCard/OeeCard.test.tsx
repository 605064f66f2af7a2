import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  ZERO_PRODUCTION_TOTALS,
  ZERO_TIME_ELEMENTS,
} from '@plantops/backstage-plugin-plant-common';
import { PlantApi, PlantApiError, plantApiRef } from '../../api';
import {
  fastHour,
  groupOf,
  lineEntity,
  mockPlantApi,
  mockSignalApi,
  siteEntity,
  typicalHour,
} from '../../testing/fixtures';
import { OeeCard } from './OeeCard';

function renderCard(
  api: PlantApi,
  options: { entity?: Entity; catalog?: Entity[] } = {},
) {
  const signals = mockSignalApi();
  const view = renderInTestApp(
    <EntityProvider entity={options.entity ?? lineEntity}>
      <OeeCard />
    </EntityProvider>,
    {
      apis: [
        [plantApiRef, api],
        [signalApiRef, signals.api],
        catalogApiMock({
          entities: options.catalog ?? [siteEntity, lineEntity],
        }),
      ],
    },
  );
  return { ...view, signals };
}

const lineKey = { site: 'ms5-plant-a', line: 'ms5-plant-a-filling' };

describe('OeeCard', () => {
  it('shows A, P, Q and OEE of the line from the backend', async () => {
    const api = mockPlantApi({
      getOeeTrend: jest.fn().mockResolvedValue({
        points: [
          {
            t: '2024-05-08T06:00:00Z',
            availability: 0.9,
            performance: 1.1,
            quality: 0.99,
            oee: 0.98,
          },
          {
            t: '2024-05-08T06:01:00Z',
            availability: null,
            performance: null,
            quality: null,
            oee: null,
          },
        ],
      }),
      getOee: jest.fn().mockResolvedValue({
        from: '',
        to: '',
        groups: [groupOf(lineKey, typicalHour)],
      }),
    });
    renderCard(api);

    expect(
      await screen.findByRole('group', { name: 'Availability 83.3%' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('group', { name: 'Performance 88.0%' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('group', { name: 'Quality 95.5%' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('group', { name: 'OEE 70.0%' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Performance > 100%')).not.toBeInTheDocument();
    expect(screen.getByText('Trend')).toBeInTheDocument();
    expect(
      screen.queryByText('No trend data in this window.'),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByText('Losses unknown for this window.'),
    ).not.toBeInTheDocument();

    const query = api.getOee.mock.calls[0][0];
    expect(query).toMatchObject({ ...lineKey, groupBy: 'line' });
    // the current shift, read from the Site entity's calendar
    expect(screen.getByText(/shift early/)).toBeInTheDocument();
    expect(api.getOeeTrend).toHaveBeenCalledWith(
      expect.objectContaining({ ...lineKey, resolution: 'minute' }),
    );
  });

  it('shows performance above 100% as it is, flagged', async () => {
    const api = mockPlantApi({
      getOee: jest.fn().mockResolvedValue({
        from: '',
        to: '',
        groups: [groupOf(lineKey, fastHour)],
      }),
    });
    renderCard(api);

    expect(
      await screen.findByRole('group', { name: 'Performance 120.0%' }),
    ).toBeInTheDocument();
    const chip = screen.getByText('Performance > 100%');
    expect(chip).toBeInTheDocument();
    expect(
      screen.getByLabelText(/Performance above 100%: performance is 120.00 %/),
    ).toBeInTheDocument();
  });

  it('shows unknown values as unknown, with the reason, never as 0%', async () => {
    const empty = {
      time: { ...ZERO_TIME_ELEMENTS },
      production: { ...ZERO_PRODUCTION_TOTALS },
    };
    const api = mockPlantApi({
      getOee: jest.fn().mockResolvedValue({
        from: '',
        to: '',
        groups: [groupOf(lineKey, empty)],
      }),
    });
    renderCard(api);

    expect(
      await screen.findByRole('group', { name: 'Availability unknown' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('group', { name: 'OEE unknown' }),
    ).toBeInTheDocument();
    expect(screen.getAllByText('planned busy time (PBT) is 0')).toHaveLength(2);
    expect(
      screen.getByText('actual production time (APT) is 0'),
    ).toBeInTheDocument();
    expect(screen.getByText('no parts produced')).toBeInTheDocument();
    expect(screen.queryByText('0.0%')).not.toBeInTheDocument();
  });

  it('shows every value unknown when the window has no data', async () => {
    renderCard(mockPlantApi());
    const oee = await screen.findByRole('group', { name: 'OEE unknown' });
    expect(
      within(oee).getByText('no telemetry in this window'),
    ).toBeInTheDocument();
  });

  it('shows the backend error message', async () => {
    const api = mockPlantApi({
      getOee: jest
        .fn()
        .mockRejectedValue(
          new PlantApiError(
            'InputError',
            'unknown line ms5-plant-a-filling',
            400,
          ),
        ),
    });
    renderCard(api);
    expect(
      (await screen.findAllByText(/unknown line ms5-plant-a-filling/)).length,
    ).toBeGreaterThan(0);
  });

  it('asks for the last 7 days by the hour when chosen', async () => {
    const api = mockPlantApi();
    renderCard(api);
    await screen.findByRole('group', { name: 'OEE unknown' });

    const before = Date.now();
    fireEvent.click(screen.getByRole('button', { name: 'Last 7 days' }));
    await waitFor(() => expect(api.getOeeTrend).toHaveBeenCalledTimes(2));
    const { from, to, resolution } = api.getOeeTrend.mock.calls[1][0];
    expect(resolution).toBe('hour');
    expect(to.getTime() - from.getTime()).toBe(7 * 24 * 3600_000);
    expect(to.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('groups by site on a Site page', async () => {
    const api = mockPlantApi();
    renderCard(api, { entity: siteEntity });
    await screen.findByRole('group', { name: 'OEE unknown' });
    expect(api.getOee.mock.calls[0][0]).toMatchObject({
      site: 'ms5-plant-a',
      line: undefined,
      groupBy: 'site',
    });
  });

  it('says why the current shift is unknown when the site is not in the catalog', async () => {
    const api = mockPlantApi();
    renderCard(api, { catalog: [lineEntity] });
    expect(
      await screen.findByText(
        /site site:default\/ms5-plant-a is not in the catalog/,
      ),
    ).toBeInTheDocument();
    expect(api.getOee).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Today' }));
    expect(
      await screen.findByText('today (UTC: site time zone unknown)'),
    ).toBeInTheDocument();
    expect(api.getOee).toHaveBeenCalledTimes(1);
  });

  it('refetches ~2 s after telemetry for its line, not for other lines', async () => {
    const getOee = jest
      .fn()
      .mockResolvedValueOnce({
        from: '',
        to: '',
        groups: [groupOf(lineKey, typicalHour)],
      })
      .mockResolvedValue({
        from: '',
        to: '',
        groups: [groupOf(lineKey, fastHour)],
      });
    const api = mockPlantApi({ getOee });
    const { signals } = renderCard(api);
    await screen.findByRole('group', { name: 'OEE 70.0%' });

    act(() =>
      signals.publish('plant:telemetry', {
        site: 'ms5-plant-a',
        line: 'other',
        at: 'x',
      }),
    );
    await act(() => new Promise(r => setTimeout(r, 2500)));
    expect(getOee).toHaveBeenCalledTimes(1);

    act(() => signals.publish('plant:telemetry', { ...lineKey, at: 'y' }));
    act(() => signals.publish('plant:telemetry', { ...lineKey, at: 'z' }));
    expect(
      await screen.findByRole(
        'group',
        { name: 'Performance 120.0%' },
        { timeout: 4000 },
      ),
    ).toBeInTheDocument();
    // both signals of the burst led to one refetch
    expect(getOee).toHaveBeenCalledTimes(2);
  }, 15_000);
});
