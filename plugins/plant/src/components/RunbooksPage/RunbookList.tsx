import useAsync from 'react-use/esm/useAsync';
import { Link, Progress, ResponseErrorPanel, Table, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { Incident, Runbook } from '@plantops/backstage-plugin-plant-common';
import { runbooksApiRef } from '../../api/RunbooksApi';

/** Every runbook, the ones rejected with why, and the open incidents. */
export const RunbookList = () => {
  const runbooksApi = useApi(runbooksApiRef);
  const { value, loading, error } = useAsync(async () => {
    const [runbooks, incidents] = await Promise.all([runbooksApi.listRunbooks(), runbooksApi.listIncidents({ status: 'open' })]);
    return { runbooks, incidents: incidents.items };
  }, []);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const { runbooks, incidents } = value!;
  return (
    <>
      {runbooks.problems.length > 0 && (
        <WarningPanel title={`${runbooks.problems.length} runbook problem(s): those runbooks are not served`}>
          <ul>{runbooks.problems.map(p => <li key={p.message}>{p.message}</li>)}</ul>
        </WarningPanel>
      )}
      <Table<Incident>
        title="Open incidents"
        options={{ paging: false, search: false }}
        columns={[
          { title: 'Incident', render: i => <Link to={`incidents/${i.id}`}>{`${i.id}: ${i.title}`}</Link> },
          { title: 'Severity', field: 'severity' },
          { title: 'Commander', field: 'commander' },
          { title: 'Opened', field: 'openedAt' },
        ]}
        data={incidents}
        emptyContent={<div style={{ padding: 16 }}>No open incident.</div>}
      />
      <Table<Runbook>
        title="Runbooks"
        options={{ paging: false, search: true }}
        columns={[
          { title: 'Runbook', field: 'title', render: r => <Link to={r.id}>{r.title}</Link> },
          { title: 'Severity', field: 'severity' },
          { title: 'Answers alerts', render: r => r.alerts.join(', ') || '-' },
          { title: 'Owner', field: 'owner' },
        ]}
        data={runbooks.items}
      />
    </>
  );
};
