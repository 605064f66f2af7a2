import { Route, Routes } from 'react-router-dom';
import { Content, Header, Page } from '@backstage/core-components';
import { ApprovalsContent } from './ApprovalsContent';

/** The page body for both frontend systems: the list, and /:id for one request. */
export const ApprovalsRoutes = () => (
  <Content>
    <Routes>
      <Route path="/" element={<ApprovalsContent />} />
      <Route path="/:id" element={<ApprovalsContent />} />
    </Routes>
  </Content>
);

/** The Approvals page with its header (old frontend system). */
export const ApprovalsPage = () => (
  <Page themeId="tool">
    <Header title="Approvals" subtitle="Production changes waiting for a second person" />
    <ApprovalsRoutes />
  </Page>
);
