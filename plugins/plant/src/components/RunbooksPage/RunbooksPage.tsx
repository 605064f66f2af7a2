import { Route, Routes } from 'react-router-dom';
import { Content } from '@backstage/core-components';
import { IncidentView } from '../IncidentPage';
import { RunbookList } from './RunbookList';
import { RunbookView } from './RunbookView';

/** /runbooks: the list, a runbook (/runbooks/:id?entity=&alert=&incident=), an incident (/runbooks/incidents/:id). */
export const RunbooksContent = () => (
  <Content>
    <Routes>
      <Route path="/" element={<RunbookList />} />
      <Route path="/incidents/:id" element={<IncidentView />} />
      <Route path="/:id" element={<RunbookView />} />
    </Routes>
  </Content>
);
