import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import type { Entity } from '@backstage/catalog-model';
import { healthApiRef } from '../../api/HealthApi';
import { RunbooksApi, runbooksApiRef } from '../../api/RunbooksApi';
import { PlantApiError } from '../../api/PlantApiClient';
import { mockSignalApi } from '../../testing/fixtures';
import { alert, mockHealthApi } from '../NowPage/testData';
import { AlertsCard } from './AlertsCard';

const entity: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'scada', namespace: 'default' }, spec: {} };

describe('AlertsCard', () => {
  it('lists the entity alerts with their runbook and silences one, then shows it silenced', async () => {
    const firing = alert('fp1', { entityRefs: ['component:default/scada'], runbookUrl: '/runbooks/service-down' });
    const api = mockHealthApi({ getAlerts: jest.fn(async () => ({ alerts: [firing], sources: [] })) });
    renderInTestApp(
      <EntityProvider entity={entity}>
        <AlertsCard />
      </EntityProvider>,
      { apis: [[healthApiRef, api], [signalApiRef, mockSignalApi().api]] },
    );
    expect(await screen.findByText('ServiceDown')).toBeInTheDocument();
    expect(api.getAlerts).toHaveBeenCalledWith('component:default/scada');
    expect(screen.getByRole('link', { name: 'runbook' })).toHaveAttribute('href', '/runbooks/service-down');

    // The backend refuses first (no permission): the dialog says why and stays open.
    api.silence.mockRejectedValueOnce(new PlantApiError('NotAllowedError', 'silencing alerts needs the plant.alert.silence permission', 403));
    await userEvent.click(screen.getByRole('button', { name: 'Silence' }));
    await userEvent.type(screen.getByLabelText('Comment'), 'ack: on it');
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Silence' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('needs the plant.alert.silence permission');

    api.getAlerts.mockResolvedValue({ alerts: [{ ...firing, state: 'suppressed', silencedBy: ['s1'] }], sources: [] });
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Silence' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.silence).toHaveBeenLastCalledWith({ alertId: 'fp1', minutes: 60, comment: 'ack: on it' });
    expect(await screen.findByText('silenced')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Silence' })).toBeNull();
  });

  it('starts an incident from the alert, and says why when the backend refuses', async () => {
    const firing = alert('fp1', { severity: 'warning', entityRefs: ['component:default/scada'], runbookUrl: '/runbooks/high-error-rate?entity=component%3Adefault%2Fscada' });
    const startIncident = jest.fn(async () => {
      throw new PlantApiError('NotAllowedError', 'you may not start incidents (permission plant.incident.create)', 403);
    });
    renderInTestApp(
      <EntityProvider entity={entity}>
        <AlertsCard />
      </EntityProvider>,
      {
        apis: [
          [healthApiRef, mockHealthApi({ getAlerts: jest.fn(async () => ({ alerts: [firing], sources: [] })) })],
          [signalApiRef, mockSignalApi().api],
          [runbooksApiRef, { startIncident } as Partial<RunbooksApi> as RunbooksApi],
        ],
      },
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Start incident' }));
    const dialog = screen.getByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Start incident' }));
    expect(startIncident).toHaveBeenCalledWith({
      title: 'ServiceDown: Service fp1 is down', severity: 'P2', entities: ['component:default/scada'], runbookId: 'high-error-rate', alert: 'ServiceDown',
    });
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('you may not start incidents (permission plant.incident.create)');
  });
});
