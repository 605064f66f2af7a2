import { act, screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import type { Entity } from '@backstage/catalog-model';
import { healthApiRef } from '../../api/HealthApi';
import { mockSignalApi } from '../../testing/fixtures';
import { health, mockHealthApi } from '../NowPage/testData';
import { HealthCard } from './HealthCard';

const entity: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'scada', namespace: 'default' }, spec: {} };

const render = (api: ReturnType<typeof mockHealthApi>, signals = mockSignalApi()) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <HealthCard />
    </EntityProvider>,
    { apis: [[healthApiRef, api], [signalApiRef, signals.api]] },
  );

describe('HealthCard', () => {
  it('shows the status, why, and turns down live when the backend signals a change', async () => {
    const api = mockHealthApi({
      getHealth: jest.fn(async () => ({ items: [health('component:default/scada', 'ok', 3600, 'GET http://scada/health: HTTP 200 in 12 ms')] })),
    });
    const signals = mockSignalApi();
    render(api, signals);
    expect((await screen.findAllByLabelText('status ok', { selector: 'div' })).length).toBe(2);
    expect(screen.getByText('GET http://scada/health: HTTP 200 in 12 ms')).toBeInTheDocument();
    expect(api.getHealth).toHaveBeenCalledWith(['component:default/scada']);

    api.getHealth.mockResolvedValue({ items: [health('component:default/scada', 'down', 1, 'GET http://scada/health answered HTTP 503')] });
    // A change of another entity does not refetch; this one's does.
    act(() => signals.publish('plant:health', { entityRefs: ['component:default/other'] }));
    expect(api.getHealth).toHaveBeenCalledTimes(1);
    act(() => signals.publish('plant:health', { entityRefs: ['component:default/scada'] }));
    expect(await screen.findByText('GET http://scada/health answered HTTP 503')).toBeInTheDocument();
    expect(screen.getAllByLabelText('status down', { selector: 'div' }).length).toBeGreaterThan(0);
  });

  it('says unknown, never ok, when the entity has no health data', async () => {
    render(mockHealthApi());
    expect(await screen.findByText(/No health data: no probe is declared/)).toBeInTheDocument();
    expect(screen.getAllByLabelText('status unknown', { selector: 'div' })).toHaveLength(1);
    expect(screen.queryByLabelText('status ok', { selector: 'div' })).toBeNull();
  });
});
