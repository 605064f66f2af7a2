import fs from 'node:fs';
import path from 'node:path';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { Incident, parseRunbook } from '@plantops/backstage-plugin-plant-common';
import { plantApiRef } from '../../api';
import { RunbooksApi, runbooksApiRef } from '../../api/RunbooksApi';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { healthApiRef } from '../../api/HealthApi';
import { mockPlantApi, mockSignalApi } from '../../testing/fixtures';
import { alert, health, mockHealthApi } from '../NowPage/testData';
import { RunbookView } from './RunbookView';

const REPO = path.resolve(__dirname, '../../../../..');
const serviceDown = parseRunbook('runbooks/service-down.md', fs.readFileSync(path.join(REPO, 'runbooks/service-down.md'), 'utf8')).runbook!;

const scada: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'scada-service',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-namespace': 'iip-applications', 'prometheus.io/alert': 'ServiceDown,HighErrorRate' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:default/platform-team' },
  relations: [
    { type: 'dependsOn', targetRef: 'resource:default/iip-postgresql-primary' },
    { type: 'dependsOn', targetRef: 'resource:default/iip-prod-cluster' },
  ],
};
const resource = (name: string, type: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'default' },
  spec: { type, owner: 'group:default/platform-team' },
});

function runbooksApi() {
  const events: any[] = [];
  const incident: Incident = {
    id: '7', title: 'x', severity: 'P1', status: 'open', commander: 'user:default/guest', entities: [],
    openedAt: '2026-12-02T04:00:00Z', openedBy: 'user:default/guest', timeline: [],
  };
  const api: Partial<RunbooksApi> = {
    getRunbook: jest.fn(async () => serviceDown),
    startIncident: jest.fn(async () => incident),
    recordIncidentEvent: jest.fn(async (_id, e) => {
      events.push(e);
      return incident;
    }),
    getDeployments: jest.fn(async () => ({
      items: [
        { source: 'kubernetes' as const, at: '2026-12-02T03:55:00.000Z', revision: 'revision 2', description: 'Deployment scada-service in iip-aks/iip-applications: scada:1.4.2, current' },
        { source: 'portal' as const, at: '2026-12-02T03:50:00.000Z', revision: 'deploy', description: 'deploy in production by user:default/tomas-novak: completed', taskId: 't-1' },
      ],
      sources: [
        { source: 'argocd', status: 'unknown' as const, message: 'ArgoCD iip: reading application iip-platform-prod failed: 0 ECONNREFUSED' },
        { source: 'kubernetes', status: 'ok' as const, message: '1 deployment(s)' },
      ],
    })),
  };
  return { api: api as RunbooksApi, events };
}

jest.setTimeout(60_000);

describe('RunbookView', () => {
  it('shows the steps with copyable commands and template buttons prefilled with the entity, cluster and namespace', async () => {
    const { api, events } = runbooksApi();
    await renderInTestApp(<RunbookView />, {
      mountPath: '/runbooks/:id',
      initialRouteEntries: ['/runbooks/service-down?entity=component:default/scada-service&alert=ServiceDown'],
      apis: [
        [runbooksApiRef, api],
        [plantApiRef, mockPlantApi()],
        [signalApiRef, mockSignalApi().api],
        [
          healthApiRef,
          mockHealthApi({
            getHealth: jest.fn(async () => {
              const h = health('component:default/scada-service', 'down', 120, 'GET http://scada/health answered HTTP 503');
              h.reasons.push({ probe: 'kafka', status: 'degraded', message: 'consumer group scada lags 5200 messages (over 1000): ms5.telemetry/0=5200', details: { groupId: 'scada', totalLag: 5200 } });
              return { items: [h] };
            }),
            getAlerts: jest.fn(async () => ({
              alerts: [alert('fp1', { entityRefs: ['component:default/scada-service'], summary: 'Service scada-service:8080 is down' })],
              sources: [{ source: 'alertmanager' as const, status: 'ok' as const, message: 'read' }],
            })),
          }),
        ],
        catalogApiMock({ entities: [scada, resource('iip-postgresql-primary', 'database'), resource('iip-prod-cluster', 'kubernetes-cluster')] }),
      ],
    });
    expect(await screen.findByText('Service down', {}, { timeout: 20_000 })).toBeInTheDocument();
    expect(screen.getByText('1. Acknowledge and assess the impact')).toBeInTheDocument();
    // The code blocks load their highlighter lazily.
    await waitFor(() => expect(document.body.textContent).toContain('argocd app rollback iip-platform-prod'), { timeout: 20_000 });
    expect(screen.getAllByRole('button', { name: /copy/i }).length).toBeGreaterThanOrEqual(4);

    const button = screen.getByRole('link', { name: 'Run template rollback' });
    const url = new URL(button.getAttribute('href')!, 'http://app');
    expect(url.pathname).toBe('/create/templates/default/rollback');
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      entity: 'component:default/scada-service',
      cluster: 'resource:default/iip-prod-cluster',
      namespace: 'iip-applications',
      environment: 'production',
      reason: 'Runbook service-down',
    });
    // Live context beside the steps.
    expect(screen.getByText('Where scada-service runs')).toBeInTheDocument();
    expect(screen.getByText('resource:default/iip-prod-cluster')).toBeInTheDocument();
    expect(await screen.findByText('GET http://scada/health answered HTTP 503', {}, { timeout: 20_000 })).toBeInTheDocument();
    expect(await screen.findByText('Service scada-service:8080 is down')).toBeInTheDocument();
    // Recent deployments, and the source that could not be read.
    expect(await screen.findByText('Kubernetes revision 2: Deployment scada-service in iip-aks/iip-applications: scada:1.4.2, current')).toBeInTheDocument();
    expect(screen.getByText('Portal run deploy: deploy in production by user:default/tomas-novak: completed')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'task' })).toHaveAttribute('href', '/create/tasks/t-1');
    expect(screen.getByText(/argocd: unknown/)).toBeInTheDocument();
    expect(api.getDeployments).toHaveBeenCalledWith('component:default/scada-service');
    // Kafka lag from the health probe, beside the steps.
    expect(screen.getByText('Kafka consumer lag')).toBeInTheDocument();
    expect(screen.getAllByText(/consumer group scada lags 5200 messages/).length).toBeGreaterThanOrEqual(1);

    // Start an incident: steps and launched templates land on its timeline.
    // The header's button (the Alerts card has one per alert too).
    await userEvent.click(screen.getAllByRole('button', { name: 'Start incident' })[0]);
    expect(api.startIncident).toHaveBeenCalledWith({
      title: 'ServiceDown: Service down', severity: 'P1', entities: ['component:default/scada-service'],
      runbookId: 'service-down', alert: 'ServiceDown',
    });
    await userEvent.click(screen.getAllByRole('button', { name: 'Mark step done' })[0]);
    await waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toMatchObject({ type: 'step', runbookId: 'service-down', step: 1, text: 'Ran step "Acknowledge and assess the impact"' });

    // Launching a step's template records it before the template opens.
    await userEvent.click(screen.getByRole('link', { name: 'Run template rollback' }));
    await waitFor(() => expect(events).toHaveLength(2));
    expect(events[1]).toMatchObject({
      type: 'template-task', template: 'rollback', runbookId: 'service-down', outcome: 'launched',
      taskUrl: expect.stringMatching(/^https?:\/\/[^/]+\/create\/templates\/default\/rollback\?formData=/),
      // What the backend finds the task by.
      parameters: expect.objectContaining({ entity: 'component:default/scada-service', environment: 'production' }),
    });
  });
});
