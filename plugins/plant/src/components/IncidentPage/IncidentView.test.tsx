import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { Incident, incidentToMarkdown } from '@plantops/backstage-plugin-plant-common';
import { RunbooksApi, runbooksApiRef } from '../../api/RunbooksApi';
import { IncidentView } from './IncidentView';

jest.setTimeout(60_000);

/** An in-memory incident service that keeps the timeline as the backend does. */
function incidentsApi() {
  let n = 0;
  const incident: Incident = {
    id: '12', title: 'ServiceDown: Service down', severity: 'P1', status: 'open', commander: 'user:default/maria-keller',
    entities: ['component:default/scada-service'], runbookId: 'service-down', alert: 'ServiceDown',
    openedAt: '2026-12-02T03:00:00.000Z', openedBy: 'user:default/maria-keller',
    timeline: [{ id: ++n, at: '2026-12-02T03:00:00.000Z', actor: 'user:default/maria-keller', type: 'opened', text: 'P1 incident opened' }],
  };
  const at = () => new Date(Date.parse('2026-12-02T03:00:00Z') + n * 60_000).toISOString();
  const api: Partial<RunbooksApi> = {
    getIncident: jest.fn(async () => structuredClone(incident)),
    recordIncidentEvent: jest.fn(async (_id, e) => {
      incident.timeline.push({ id: ++n, at: at(), actor: 'user:default/maria-keller', ...e });
      return incident;
    }),
    closeIncident: jest.fn(async (_id, resolution) => {
      Object.assign(incident, { status: 'closed', resolution, closedAt: at() });
      incident.timeline.push({ id: ++n, at: at(), actor: 'user:default/maria-keller', type: 'closed', text: `Closed: ${resolution}` });
      return incident;
    }),
    exportIncident: jest.fn(async () => incidentToMarkdown(incident)),
  };
  return { api: api as RunbooksApi, incident };
}

describe('IncidentView', () => {
  it('acknowledges, takes notes, closes with a resolution and exports the timeline', async () => {
    const { api } = incidentsApi();
    await renderInTestApp(<IncidentView />, {
      mountPath: '/runbooks/incidents/:id',
      initialRouteEntries: ['/runbooks/incidents/12'],
      apis: [[runbooksApiRef, api]],
    });
    expect(await screen.findByText('Incident 12: ServiceDown: Service down', {}, { timeout: 20_000 })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'service-down' })).toHaveAttribute(
      'href',
      expect.stringContaining('service-down?incident=12&entity=component%3Adefault%2Fscada-service'),
    );

    await userEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() => expect(api.recordIncidentEvent).toHaveBeenCalledWith('12', { type: 'acknowledgement', text: 'Acknowledged' }));
    await userEvent.type(screen.getByLabelText('Note or resolution'), 'Pods crash on a bad config map');
    await userEvent.click(screen.getByRole('button', { name: 'Add note' }));
    expect(await screen.findByText('Pods crash on a bad config map')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Note or resolution'), 'Rolled back');
    await userEvent.click(screen.getByRole('button', { name: 'Close with this resolution' }));
    expect(await screen.findByText('Closed: Rolled back')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Export as Markdown' }));
    await waitFor(() => expect(document.body.textContent).toContain('## Resolution'), { timeout: 20_000 });
    expect(document.body.textContent).toContain('| acknowledgement | Acknowledged |');
    expect(document.body.textContent).toContain('| note | Pods crash on a bad config map |');
  });
});
