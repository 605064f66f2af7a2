import useAsync from 'react-use/esm/useAsync';
import { Link, Progress, ResponseErrorPanel, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { Runbook } from '@plantops/backstage-plugin-plant-common';
import { runbooksApiRef } from '../../api/RunbooksApi';

export const runbookHref = (id: string, params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const qs = q.toString();
  return `/runbooks/${encodeURIComponent(id)}${qs ? `?${qs}` : ''}`;
};

/** The Runbooks tab of an entity page: every runbook that applies to the entity. */
export const EntityRunbooksContent = () => {
  const { entity } = useEntity();
  const ref = stringifyEntityRef(entity);
  const runbooksApi = useApi(runbooksApiRef);
  const { value, loading, error } = useAsync(() => runbooksApi.listRunbooks({ entity: ref }), [ref]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const columns: TableColumn<Runbook>[] = [
    { title: 'Runbook', field: 'title', render: r => <Link to={runbookHref(r.id, { entity: ref })}>{r.title}</Link> },
    { title: 'Severity', field: 'severity' },
    { title: 'Answers alerts', render: r => r.alerts.join(', ') || '-' },
    { title: 'Owner', field: 'owner' },
    { title: 'Last reviewed', field: 'lastReviewed' },
  ];
  return (
    <Table
      title="Runbooks"
      options={{ paging: false, search: true }}
      columns={columns}
      data={[...value!.items].sort((a, b) => a.severity.localeCompare(b.severity) || a.title.localeCompare(b.title))}
      emptyContent={<div style={{ padding: 16 }}>No runbook applies to this entity.</div>}
    />
  );
};
