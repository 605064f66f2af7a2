import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { PlantApi, plantApiRef } from '../../api';
import { mockPlantApi, mockSignalApi } from '../../testing/fixtures';
import { TONES } from '../PlantOverview/states';
import { SitesContent } from './SitesContent';
import { SITES_POLL_MS } from './useSitesData';
import { allEntities, machineAt } from './testData';

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000);

/** Plant A live (capper in fault, an Andon), B silent for 10 min, C never reported. */
function liveMachines() {
  return [
    machineAt(
      'ms5-plant-a',
      'ms5-plant-a-filling',
      'filler',
      'Executing',
      secondsAgo(5),
    ),
    machineAt(
      'ms5-plant-a',
      'ms5-plant-a-filling',
      'capper',
      'Fault',
      secondsAgo(10),
      'cap jam',
    ),
    machineAt(
      'iip-plant-b',
      'iip-plant-b-machining',
      'cnc-1',
      'Executing',
      secondsAgo(600),
    ),
  ];
}

function renderSites(
  api: PlantApi,
  catalog = catalogApiMock({ entities: allEntities }),
) {
  const signals = mockSignalApi();
  renderInTestApp(<SitesContent />, {
    apis: [[plantApiRef, api], [signalApiRef, signals.api], catalog],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  return signals;
}

/** The table row of a site, by the site's link text. */
const rowOf = (title: string) =>
  screen.getByRole('link', { name: title }).closest('tr') as HTMLElement;

/** Site titles in table order. */
const visibleSites = () =>
  screen
    .getAllByRole('row')
    .map(r => within(r).queryAllByRole('link')[0]?.textContent)
    .filter(Boolean);

const statusDot = (title: string) =>
  within(rowOf(title)).getByRole('img', { name: new RegExp(`^${title} `) });

describe('SitesContent', () => {
  it('lists every Site with its facts, links, lines and Andon calls', async () => {
    const api = mockPlantApi({
      getMachines: jest.fn().mockResolvedValue({ items: liveMachines() }),
    });
    renderSites(api);

    expect(await screen.findByText('Sites (3 of 3)')).toBeInTheDocument();
    expect(visibleSites()).toEqual(['IIP Plant B', 'MS5.0 Plant A', 'plant-c']);

    const a = rowOf('MS5.0 Plant A');
    expect(
      within(a).getByRole('link', { name: 'MS5.0 Plant A' }),
    ).toHaveAttribute('href', '/catalog/default/site/ms5-plant-a');
    for (const text of ['edge-site', 'eu-central', 'MS5-A', 'Europe/Berlin']) {
      expect(within(a).getByText(text)).toBeInTheDocument();
    }
    expect(
      within(a).getByRole('link', { name: 'ms5-edge-jetson' }),
    ).toHaveAttribute('href', '/catalog/default/resource/ms5-edge-jetson');
    expect(
      within(a).getByRole('link', { name: 'ms5-edge-k3s' }),
    ).toHaveAttribute('href', '/catalog/default/resource/ms5-edge-k3s');
    // lines the site names and lines that name it, one missing from the catalog
    expect(within(a).getByText('3')).toBeInTheDocument();
    expect(
      within(a).getByRole('link', { name: 'Plant A filling line' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/productionline/ms5-plant-a-filling',
    );
    expect(
      within(a).getByRole('link', { name: 'Plant A packaging line' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/productionline/ms5-plant-a-packaging',
    );
    expect(within(a).getByText('(not in catalog)')).toBeInTheDocument();
    // one active Andon call, with its machine and reason
    expect(
      within(a).getByText('ms5-plant-a-filling/capper: cap jam'),
    ).toBeInTheDocument();
    expect(within(a).getByText('1')).toBeInTheDocument();

    // a site in another namespace links into it; no edge device shows a dash
    const c = rowOf('plant-c');
    expect(within(c).getByRole('link', { name: 'plant-c' })).toHaveAttribute(
      'href',
      '/catalog/emea/site/plant-c',
    );
    expect(
      within(c).getByRole('link', { name: 'plant-c-k3s' }),
    ).toHaveAttribute('href', '/catalog/emea/resource/plant-c-k3s');
    expect(
      within(c).getByRole('link', { name: 'Plant C assembly' }),
    ).toHaveAttribute('href', '/catalog/emea/productionline/plant-c-assembly');
    expect(within(c).getByText('—')).toBeInTheDocument();
    expect(within(rowOf('IIP Plant B')).getByText('0')).toBeInTheDocument();
  });

  it('shows live, stale and no-telemetry status; stale and silent sites are never green', async () => {
    const api = mockPlantApi({
      getMachines: jest.fn().mockResolvedValue({ items: liveMachines() }),
    });
    renderSites(api);
    await screen.findByText('Sites (3 of 3)');

    // live: worst state of the fresh machines, red for the fault
    expect(statusDot('MS5.0 Plant A')).toHaveAttribute(
      'aria-label',
      'MS5.0 Plant A live, worst state Fault (red)',
    );
    expect(statusDot('MS5.0 Plant A')).toHaveStyle({
      backgroundColor: TONES.down.colour,
    });
    const a = within(rowOf('MS5.0 Plant A'));
    expect(a.getByText('Live · worst: Fault')).toBeInTheDocument();
    expect(a.getByText('2 of 5 machines reporting')).toBeInTheDocument();
    expect(
      a.getByText(/^last heartbeat (just now|\d s ago)$/),
    ).toBeInTheDocument();

    // stale: its only machine last reported 10 minutes ago, while Executing
    expect(statusDot('IIP Plant B')).toHaveAttribute(
      'aria-label',
      'IIP Plant B stale (amber)',
    );
    expect(statusDot('IIP Plant B')).toHaveStyle({
      backgroundColor: TONES.waiting.colour,
    });
    const b = within(rowOf('IIP Plant B'));
    expect(b.getByText(/^Stale/)).toBeInTheDocument();
    expect(b.getByText('0 of 2 machines reporting')).toBeInTheDocument();
    expect(b.getByText('last heartbeat 10 min ago')).toBeInTheDocument();
    expect(b.queryByText(/Live/)).not.toBeInTheDocument();

    // no machines at all
    expect(statusDot('plant-c')).toHaveAttribute(
      'aria-label',
      'plant-c no telemetry (red)',
    );
    expect(statusDot('plant-c')).toHaveStyle({
      backgroundColor: TONES.down.colour,
    });
    const c = within(rowOf('plant-c'));
    expect(c.getByText('No telemetry')).toBeInTheDocument();
    expect(c.getByText('0 of 1 machine reporting')).toBeInTheDocument();
    expect(c.getByText('last heartbeat never')).toBeInTheDocument();

    for (const title of ['IIP Plant B', 'plant-c']) {
      expect(statusDot(title)).not.toHaveStyle({
        backgroundColor: TONES.running.colour,
      });
    }
  });

  it('narrows the rows with the region and type filters', async () => {
    const user = userEvent.setup();
    renderSites(
      mockPlantApi({
        getMachines: jest.fn().mockResolvedValue({ items: liveMachines() }),
      }),
    );
    await screen.findByText('Sites (3 of 3)');

    const region = screen.getByLabelText('Region');
    const type = screen.getByLabelText('Type');
    expect(
      within(region)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['All regions', 'eu-central', 'us-central']);
    expect(
      within(type)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['All types', 'edge-site', 'plant']);

    await user.selectOptions(region, 'eu-central');
    await waitFor(() =>
      expect(visibleSites()).toEqual(['MS5.0 Plant A', 'plant-c']),
    );
    expect(screen.getByText('Sites (2 of 3)')).toBeInTheDocument();

    await user.selectOptions(type, 'edge-site');
    await waitFor(() => expect(visibleSites()).toEqual(['MS5.0 Plant A']));

    await user.selectOptions(region, 'us-central');
    await waitFor(() => expect(visibleSites()).toEqual(['IIP Plant B']));

    await user.selectOptions(type, 'plant');
    await waitFor(() => expect(visibleSites()).toEqual([]));
    expect(
      screen.getByText('No site matches the region and type filters.'),
    ).toBeInTheDocument();

    await user.selectOptions(region, 'All regions');
    await user.selectOptions(type, 'All types');
    await waitFor(() => expect(visibleSites()).toHaveLength(3));
  });

  it('searches the rows by free text, lines included', async () => {
    const user = userEvent.setup();
    renderSites(mockPlantApi());
    await screen.findByText('Sites (3 of 3)');

    const search = screen.getByPlaceholderText('Filter');
    await user.type(search, 'machining');
    await waitFor(() => expect(visibleSites()).toEqual(['IIP Plant B']));
    await user.clear(search);
    await user.type(search, 'MS5-A');
    await waitFor(() => expect(visibleSites()).toEqual(['MS5.0 Plant A']));
  });

  it('keeps the sites and says the status is unknown when the machines cannot be read', async () => {
    renderSites(
      mockPlantApi({
        getMachines: jest
          .fn()
          .mockRejectedValue(new Error('telemetry store unavailable')),
      }),
    );
    expect(
      await screen.findByText(
        /Live status unknown: the plant backend could not be read/,
      ),
    ).toBeInTheDocument();
    expect(visibleSites()).toHaveLength(3);
    for (const title of ['IIP Plant B', 'MS5.0 Plant A', 'plant-c']) {
      expect(statusDot(title)).toHaveAttribute(
        'aria-label',
        `${title} telemetry unavailable (amber)`,
      );
      expect(within(rowOf(title)).getByText('unknown')).toBeInTheDocument();
    }
  });

  it('warns about telemetry from sites the catalog does not have', async () => {
    renderSites(
      mockPlantApi({
        getMachines: jest.fn().mockResolvedValue({
          items: [
            machineAt('ghost-site', 'l1', 'm1', 'Executing', secondsAgo(1)),
          ],
        }),
      }),
    );
    expect(
      await screen.findByText(
        /Telemetry from sites that are not in the catalog/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Register Site entities for: ghost-site/),
    ).toBeInTheDocument();
  });

  it('shows the catalog error when the sites cannot be read', async () => {
    const catalog = catalogApiMock.mock({
      getEntities: jest.fn().mockRejectedValue(new Error('catalog is down')),
    });
    renderSites(mockPlantApi(), catalog);
    expect(
      (await screen.findAllByText(/catalog is down/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says so when the catalog has no sites', async () => {
    renderSites(mockPlantApi(), catalogApiMock({ entities: [] }));
    expect(await screen.findByText('No sites yet')).toBeInTheDocument();
  });

  it('updates live when telemetry arrives', async () => {
    const getMachines = jest
      .fn()
      .mockResolvedValueOnce({ items: liveMachines() })
      .mockImplementation(async () => ({
        items: [
          ...liveMachines(),
          machineAt(
            'plant-c',
            'plant-c-assembly',
            'press',
            'Setup',
            secondsAgo(1),
          ),
        ],
      }));
    const signals = renderSites(mockPlantApi({ getMachines }));
    await screen.findByText('Sites (3 of 3)');
    expect(statusDot('plant-c')).toHaveAttribute(
      'aria-label',
      'plant-c no telemetry (red)',
    );

    act(() =>
      signals.publish('plant:telemetry', {
        site: 'plant-c',
        line: 'plant-c-assembly',
        at: new Date().toISOString(),
      }),
    );
    await waitFor(
      () =>
        expect(statusDot('plant-c')).toHaveAttribute(
          'aria-label',
          'plant-c live, worst state Setup (blue)',
        ),
      { timeout: 5000 },
    );
    expect(getMachines).toHaveBeenCalledTimes(2);
  }, 15_000);
});

describe('SitesContent when telemetry goes quiet', () => {
  afterEach(() => jest.useRealTimers());

  it('re-reads every 30 s, so a site that goes quiet turns stale', async () => {
    jest.useFakeTimers({ now: new Date('2024-05-08T08:00:00Z') });
    // the backend keeps answering with the same, ageing event
    const lastEventAt = new Date('2024-05-08T07:59:15Z');
    const getMachines = jest.fn().mockResolvedValue({
      items: [
        machineAt(
          'iip-plant-b',
          'iip-plant-b-machining',
          'cnc-1',
          'Executing',
          lastEventAt,
        ),
      ],
    });
    renderSites(mockPlantApi({ getMachines }));
    await screen.findByText('Sites (3 of 3)');
    const label = () => statusDot('IIP Plant B').getAttribute('aria-label');
    const heartbeat = () =>
      within(rowOf('IIP Plant B')).getByText(/^last heartbeat/).textContent;
    expect(label()).toBe('IIP Plant B live, worst state Executing (green)');
    expect(heartbeat()).toBe('last heartbeat 45 s ago');
    expect(getMachines).toHaveBeenCalledTimes(1);

    const poll = () =>
      act(async () => {
        await jest.advanceTimersByTimeAsync(SITES_POLL_MS);
      });

    // 75 s, then 105 s since the event: still live
    await poll();
    expect(getMachines).toHaveBeenCalledTimes(2);
    expect(heartbeat()).toBe('last heartbeat 1 min ago');
    await poll();
    expect(getMachines).toHaveBeenCalledTimes(3);
    expect(label()).toBe('IIP Plant B live, worst state Executing (green)');

    // 135 s: past the 2 minutes, with no signal to say so
    await poll();
    expect(getMachines).toHaveBeenCalledTimes(4);
    expect(label()).toBe('IIP Plant B stale (amber)');
    expect(heartbeat()).toBe('last heartbeat 2 min ago');
  });
});
