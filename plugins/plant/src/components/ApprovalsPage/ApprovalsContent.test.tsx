import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { approvalsApiRef, type Approval, type ApprovalsApi } from '../../api/ApprovalsApi';
import { PlantApiError } from '../../api/PlantApiClient';
import { Route, Routes } from 'react-router-dom';
import { ApprovalsContent } from './ApprovalsContent';

jest.setTimeout(60_000);
// The first render loads the app's lazy parts; two shared cores make that slow.
const slow = { timeout: 15_000 };

const REQUESTER = 'user:default/tomas-novak';
const ONCALL = 'user:default/maria-keller';

const pending = (): Approval => ({
  id: 'a1',
  status: 'pending',
  title: 'Sync ms5-gateway in production',
  target: 'component:default/ms5-gateway',
  environment: 'production',
  requester: REQUESTER,
  taskId: 'task-1',
  templateRef: 'template:default/deploy',
  plan: { sync: { action: 'plant:argocd:sync', input: { app: 'iip-platform-prod' } } },
  dryRunOutput: { outOfSync: ['Deployment/ms5-gateway'] },
  createdAt: '2026-12-02T04:00:00.000Z',
  expiresAt: '2026-12-02T05:00:00.000Z',
});

function mockApi(overrides: Partial<ApprovalsApi> = {}) {
  const api = {
    listApprovals: jest.fn(async () => ({ items: [pending()] })),
    getApproval: jest.fn(async () => pending()),
    approve: jest.fn(async (_id: string, comment?: string) => ({
      ...pending(),
      status: 'approved' as const,
      decidedBy: ONCALL,
      decidedAt: '2026-12-02T04:05:00.000Z',
      comment,
    })),
    deny: jest.fn(),
    ...overrides,
  };
  return api;
}

const render = (api: ReturnType<typeof mockApi>, me: string, path = '/plant/approvals/a1') =>
  // As chrome, inside the app's React Router, so the page's own /:id route binds.
  renderInTestApp(
    <Routes>
      <Route path="/plant/approvals" element={<ApprovalsContent />} />
      <Route path="/plant/approvals/:id" element={<ApprovalsContent />} />
    </Routes>,
    {
    renderAs: 'chrome',
    initialRouteEntries: [path],
    apis: [
      [approvalsApiRef, api],
      [identityApiRef, mockApis.identity({ userEntityRef: me })],
    ],
    },
  );

describe('Approvals page', () => {
  it('shows the plan and dry-run output, and a second person approves with a comment', async () => {
    const api = mockApi();
    await render(api, ONCALL);
    expect(await screen.findByLabelText('Plan', {}, slow)).toHaveTextContent('iip-platform-prod');
    expect(screen.getByLabelText('Dry-run output')).toHaveTextContent('Deployment/ms5-gateway');
    expect(within(screen.getByRole('table')).getByText(REQUESTER)).toBeInTheDocument();
    expect(api.listApprovals).toHaveBeenCalledWith({ status: 'pending' });

    await userEvent.type(screen.getByLabelText('Comment'), 'revision checked');
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(api.approve).toHaveBeenCalledWith('a1', 'revision checked'));
    expect(await screen.findByText(`approved by ${ONCALL}: revision checked`)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  it('disables approve and deny for the requester', async () => {
    const api = mockApi();
    await render(api, REQUESTER);
    expect(await screen.findByText(/You requested this change/, {}, slow)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Approve' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Deny' })).toBeDisabled();
  });

  it("shows the backend's refusal", async () => {
    const api = mockApi({
      deny: jest.fn(async () => {
        throw new PlantApiError('NotAllowedError', 'user:default/raj-patel may not decide approval requests (plant.approval.decide)', 403);
      }),
    });
    await render(api, 'user:default/raj-patel');
    await userEvent.click(await screen.findByRole('button', { name: 'Deny' }, slow));
    expect(await screen.findByRole('alert')).toHaveTextContent('may not decide approval requests');
  });

  it('lists without a selection and says when nothing waits', async () => {
    const api = mockApi({ listApprovals: jest.fn(async () => ({ items: [] })) });
    await render(api, ONCALL, '/plant/approvals');
    expect(await screen.findByText('No pending approval requests.', {}, slow)).toBeInTheDocument();
    expect(api.getApproval).not.toHaveBeenCalled();
  });
});
