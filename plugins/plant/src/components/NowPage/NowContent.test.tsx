import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { healthApiRef } from '../../api/HealthApi';
import { RunbooksApi, runbooksApiRef } from '../../api/RunbooksApi';
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

  it('starts an incident from a firing alert: severity from the alert, its entity affected, its runbook linked, then opens the runbook with it', async () => {
    const startIncident = jest.fn(async (r: any) => ({ id: '42', ...r, status: 'open', commander: 'user:default/guest', openedAt: '', openedBy: '', timeline: [] }));
    const Where = () => {
      const l = useLocation();
      return <div>at {l.pathname + l.search}</div>;
    };
    renderInTestApp(
      <Routes>
        <Route path="/" element={<NowContent />} />
        <Route path="/runbooks/*" element={<Where />} />
      </Routes>,
      {
        apis: [
          [healthApiRef, mockHealthApi({ getNow: jest.fn(async () => {
            const d = nowData();
            d.alerts[0].runbookUrl = '/runbooks/service-down?entity=component%3Adefault%2Fscada&alert=ServiceDown';
            return d;
          }) })],
          [signalApiRef, mockSignalApi().api],
          [runbooksApiRef, { startIncident } as Partial<RunbooksApi> as RunbooksApi],
        ],
      },
    );
    const alerts = await screen.findByRole('table', { name: 'alerts' });
    await userEvent.click(within(within(alerts).getByText('ServiceDown').closest('tr')!).getByRole('button', { name: 'Start incident' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByLabelText('Title')).toHaveValue('ServiceDown: Service a1 is down');
    expect(within(dialog).getByText('Affected: component:default/scada')).toBeInTheDocument();
    expect(within(dialog).getByText('Runbook: service-down')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Start incident' }));
    expect(startIncident).toHaveBeenCalledWith({
      title: 'ServiceDown: Service a1 is down', severity: 'P1', entities: ['component:default/scada'], runbookId: 'service-down', alert: 'ServiceDown',
    });
    expect(await screen.findByText('at /runbooks/service-down?entity=component%3Adefault%2Fscada&alert=ServiceDown&incident=42')).toBeInTheDocument();
  });

  it('starts an incident from an alert without a runbook as a P2 for a warning, and opens the incident', async () => {
    const startIncident = jest.fn(async (r: any) => ({ id: '43', ...r }));
    const Where = () => <div>at {useLocation().pathname}</div>;
    renderInTestApp(
      <Routes>
        <Route path="/" element={<NowContent />} />
        <Route path="/runbooks/*" element={<Where />} />
      </Routes>,
      { apis: [[healthApiRef, mockHealthApi()], [signalApiRef, mockSignalApi().api], [runbooksApiRef, { startIncident } as Partial<RunbooksApi> as RunbooksApi]] },
    );
    const alerts = await screen.findByRole('table', { name: 'alerts' });
    await userEvent.click(within(within(alerts).getByText('OEELow').closest('tr')!).getByRole('button', { name: 'Start incident' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Start incident' }));
    expect(startIncident).toHaveBeenCalledWith(expect.objectContaining({ severity: 'P2', entities: ['productionline:default/line-b'], runbookId: undefined, alert: 'OEELow' }));
    expect(await screen.findByText('at /runbooks/incidents/43')).toBeInTheDocument();
  });
});
