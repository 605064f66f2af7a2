import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { healthApiRef } from '../../api/HealthApi';
import { mockSignalApi } from '../../testing/fixtures';
import { NowContent } from './NowContent';
import { health, mockHealthApi, nowData } from './testData';

describe('NowContent', () => {
  it('lists what is not ok and what fires, filters by site, and updates live on a signal', async () => {
    const api = mockHealthApi();
    const signals = mockSignalApi();
    renderInTestApp(<NowContent />, { apis: [[healthApiRef, api], [signalApiRef, signals.api]] });

    const notOk = await screen.findByRole('table', { name: 'not ok' });
    const rows = within(notOk).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      expect.stringMatching(/^downSCADA serviceGET http:\/\/scada\/health answered HTTP 503/),
      expect.stringMatching(/^unknownPlant Bno answer from Prometheus/),
    ]);
    const alerts = screen.getByRole('table', { name: 'alerts' });
    expect(within(alerts).getByText('ServiceDown').closest('tr')!.textContent).toMatch(/criticalServiceDown.*SCADA service.*firingrunbookSilence/);
    expect(within(alerts).getByText('OEELow').closest('tr')!.textContent).toMatch(/none yet/);

    // Filter by site: only Plant B and its line's alert remain.
    await userEvent.click(screen.getByLabelText('Site'));
    await userEvent.click(await screen.findByRole('option', { name: 'site:default/plant-b' }));
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'not ok' })).getAllByRole('row')).toHaveLength(2));
    expect(screen.queryByText('SCADA service')).toBeNull();
    expect(screen.getByText('OEELow')).toBeInTheDocument();

    // A health signal refetches without reload.
    const next = nowData();
    next.health.push(health('component:default/mes', 'degraded', 10, 'GET took 2500 ms'));
    next.entities['component:default/mes'] = { title: 'MES', kind: 'Component', owner: null, system: null, site: 'site:default/plant-b' };
    api.getNow.mockResolvedValue(next);
    act(() => signals.publish('plant:health', { entityRefs: ['component:default/mes'] }));
    expect(await screen.findByText('MES')).toBeInTheDocument();
    expect(api.getNow).toHaveBeenCalledTimes(2);
  });

  it('shows a source it cannot read as unknown with the reason', async () => {
    const data = nowData();
    data.sources = [{ source: 'alertmanager', status: 'unknown', message: 'Alertmanager at http://am:9093 did not answer: ECONNREFUSED' }];
    const api = mockHealthApi({ getNow: jest.fn(async () => data) });
    renderInTestApp(<NowContent />, { apis: [[healthApiRef, api], [signalApiRef, mockSignalApi().api]] });
    expect(await screen.findByText(/alertmanager: unknown/)).toBeInTheDocument();
    expect(screen.getByText(/did not answer: ECONNREFUSED/)).toBeInTheDocument();
  });
});
