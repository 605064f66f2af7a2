import { act, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { MachineStatus, OeeQuery, PlantApi, plantApiRef } from '../../api';
import {
  groupOf,
  lineEntity,
  mockPlantApi,
  mockSignalApi,
  siteEntity,
  typicalHour,
} from '../../testing/fixtures';
import { PlantOverviewContent } from './PlantOverviewContent';

const packagingLine: Entity = {
  ...lineEntity,
  metadata: { name: 'ms5-plant-a-packaging' },
};

function machine(
  line: string,
  name: string,
  state: string,
  andon?: { reason: string },
  site = 'ms5-plant-a',
): MachineStatus {
  return {
    site,
    line,
    machine: name,
    state,
    stateSince: '2024-05-08T06:00:00Z',
    andon: andon
      ? { active: true, colour: 'red', reason: andon.reason }
      : { active: false, colour: null, reason: null },
    idealCycleTimeSeconds: 2.4,
    lastEventAt: '2024-05-08T08:00:00Z',
  };
}

const machines = [
  machine('ms5-plant-a-filling', 'filler', 'Executing'),
  machine('ms5-plant-a-filling', 'capper', 'Fault', { reason: 'cap jam' }),
  machine('ms5-plant-a-filling', 'labeller', 'Idle', {
    reason: 'out of labels',
  }),
  machine('ms5-plant-a-packaging', 'packer', 'Setup'),
  machine('ms5-plant-a-packaging', 'palletiser', 'PlannedDowntime'),
  machine('line-1', 'press', 'NoShift', undefined, 'iip-plant-b'),
  machine('line-1', 'robot', 'Dancing', undefined, 'iip-plant-b'),
];

function renderOverview(api: PlantApi) {
  const signals = mockSignalApi();
  renderInTestApp(<PlantOverviewContent />, {
    apis: [
      [plantApiRef, api],
      [signalApiRef, signals.api],
      catalogApiMock({ entities: [siteEntity, lineEntity, packagingLine] }),
    ],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  return signals;
}

const oeeBySite = async (q: OeeQuery) => ({
  from: '',
  to: '',
  groups:
    q.site === 'ms5-plant-a'
      ? [groupOf({ site: q.site, line: 'ms5-plant-a-filling' }, typicalHour)]
      : [],
});

const dot = (region: HTMLElement, name: string) =>
  within(region).getByRole('img', { name: new RegExp(`^${name} `) });

describe('PlantOverviewContent', () => {
  it('groups machines per line with state colours, shift OEE and Andon calls', async () => {
    const api = mockPlantApi({
      getMachines: jest.fn().mockResolvedValue({ items: machines }),
      getOee: jest.fn(oeeBySite),
    });
    renderOverview(api);

    const filling = await screen.findByRole('region', {
      name: 'line ms5-plant-a-filling',
    });
    expect(
      within(filling).getByRole('link', { name: 'Plant A filling line' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/productionline/ms5-plant-a-filling',
    );
    expect(dot(filling, 'filler')).toHaveAttribute(
      'aria-label',
      'filler Executing (green)',
    );
    expect(dot(filling, 'filler')).toHaveStyle({ backgroundColor: '#2e7d32' });
    expect(dot(filling, 'capper')).toHaveAttribute(
      'aria-label',
      'capper Fault (red)',
    );
    expect(dot(filling, 'capper')).toHaveStyle({ backgroundColor: '#c62828' });
    expect(dot(filling, 'labeller')).toHaveAttribute(
      'aria-label',
      'labeller Idle (amber)',
    );
    expect(dot(filling, 'labeller')).toHaveStyle({
      backgroundColor: '#f9a825',
    });
    expect(
      within(filling).getByText('1 red · 1 amber · 1 green'),
    ).toBeInTheDocument();
    expect(within(filling).getByText(/Andon: 2 active/)).toHaveTextContent(
      'Andon: 2 active (capper: cap jam; labeller: out of labels)',
    );
    expect(within(filling).getByText('70.0%')).toBeInTheDocument();

    const packaging = screen.getByRole('region', {
      name: 'line ms5-plant-a-packaging',
    });
    expect(within(packaging).getAllByRole('img')).toHaveLength(2);
    expect(dot(packaging, 'packer')).toHaveStyle({
      backgroundColor: '#1565c0',
    });
    expect(dot(packaging, 'palletiser')).toHaveStyle({
      backgroundColor: '#9e9e9e',
    });
    expect(
      within(packaging).getByText('Andon: none active'),
    ).toBeInTheDocument();
    // in the shift, but no OEE for this line: unknown, not 0%
    expect(
      within(packaging).getByText(/no telemetry in this shift/),
    ).toBeInTheDocument();
    expect(within(packaging).getByText('unknown')).toBeInTheDocument();

    // a site known only from telemetry still shows, its shift OEE unknown
    const line1 = screen.getByRole('region', { name: 'line line-1' });
    expect(dot(line1, 'press')).toHaveStyle({ backgroundColor: '#9e9e9e' });
    expect(dot(line1, 'robot')).toHaveAttribute(
      'aria-label',
      'robot Dancing (unknown)',
    );
    expect(
      within(line1).getByText(/site iip-plant-b is not in the catalog/),
    ).toBeInTheDocument();

    // one OEE query per site in the catalog, for the current shift by line
    expect(api.getOee).toHaveBeenCalledTimes(1);
    expect(api.getOee.mock.calls[0][0]).toMatchObject({
      site: 'ms5-plant-a',
      groupBy: 'line',
    });
  });

  it('shows the error message when the machines cannot be read', async () => {
    const api = mockPlantApi({
      getMachines: jest
        .fn()
        .mockRejectedValue(new Error('telemetry store unavailable')),
    });
    renderOverview(api);
    expect(
      (await screen.findAllByText(/telemetry store unavailable/)).length,
    ).toBeGreaterThan(0);
  });

  it('updates live when telemetry arrives', async () => {
    const getMachines = jest
      .fn()
      .mockResolvedValueOnce({ items: machines })
      .mockResolvedValue({
        items: [
          machine('ms5-plant-a-filling', 'capper', 'Executing'),
          ...machines.filter(m => m.machine !== 'capper'),
        ],
      });
    const api = mockPlantApi({ getMachines, getOee: jest.fn(oeeBySite) });
    const signals = renderOverview(api);
    const filling = await screen.findByRole('region', {
      name: 'line ms5-plant-a-filling',
    });
    expect(within(filling).getByText(/Andon: 2 active/)).toBeInTheDocument();

    act(() =>
      signals.publish('plant:telemetry', {
        site: 'ms5-plant-a',
        line: 'ms5-plant-a-filling',
        at: '2024-05-08T08:01:00Z',
      }),
    );
    expect(
      await screen.findByRole(
        'img',
        { name: 'capper Executing (green)' },
        { timeout: 4000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/Andon: 1 active/)).toBeInTheDocument();
    expect(getMachines).toHaveBeenCalledTimes(2);
  }, 15_000);
});
