import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Box, Grid, Tab, Tabs } from '@material-ui/core';
import { Progress, ResponseErrorPanel, Table, TableColumn } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { approvalsApiRef, type Approval, type ApprovalStatus } from '../../api/ApprovalsApi';
import { ApprovalDetail } from './ApprovalDetail';

const columns: TableColumn<Approval>[] = [
  { title: 'Change', field: 'title' },
  { title: 'Environment', field: 'environment' },
  { title: 'Requested by', field: 'requester' },
  { title: 'Status', field: 'status' },
  { title: 'Requested', field: 'createdAt', render: a => new Date(a.createdAt).toLocaleString() },
];

/** /plant/approvals: pending (or all) approval requests; /plant/approvals/:id opens one. */
export const ApprovalsContent = () => {
  const api = useApi(approvalsApiRef);
  const identity = useApi(identityApiRef);
  const { id } = useParams();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<ApprovalStatus | 'all'>('pending');
  const [items, setItems] = useState<Approval[]>();
  const [selected, setSelected] = useState<Approval>();
  const [me, setMe] = useState<string>();
  const [error, setError] = useState<Error>();

  useEffect(() => {
    identity.getBackstageIdentity().then(i => setMe(i.userEntityRef), () => setMe(undefined));
  }, [identity]);

  const load = useCallback(async () => {
    try {
      const list = await api.listApprovals(filter === 'all' ? {} : { status: filter });
      setItems(list.items);
      setSelected(id ? await api.getApproval(id) : undefined);
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [api, filter, id]);

  useEffect(() => {
    load();
  }, [load]);

  if (error) return <ResponseErrorPanel error={error} />;
  if (!items) return <Progress />;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={selected ? 6 : 12}>
        <Tabs value={filter} onChange={(_e, v) => setFilter(v)} aria-label="status">
          <Tab label="Pending" value="pending" />
          <Tab label="All" value="all" />
        </Tabs>
        <Box mt={1}>
          <Table<Approval>
            title="Approval requests"
            options={{ paging: false, search: false }}
            columns={columns}
            data={items}
            onRowClick={(_e, row) => row && navigate(`${id ? '..' : '.'}/${row.id}`, { relative: 'path' })}
            emptyContent={<Box p={2}>No {filter === 'all' ? '' : `${filter} `}approval requests.</Box>}
          />
        </Box>
      </Grid>
      {selected && (
        <Grid item xs={12} md={6}>
          <ApprovalDetail
            approval={selected}
            me={me}
            onDecide={async (approve, comment) => {
              const decided = approve
                ? await api.approve(selected.id, comment || undefined)
                : await api.deny(selected.id, comment || undefined);
              setSelected(decided);
              setItems((await api.listApprovals(filter === 'all' ? {} : { status: filter })).items);
            }}
          />
        </Grid>
      )}
    </Grid>
  );
};
