import { useState } from 'react';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { InfoCard, Progress, ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { healthApiRef } from '../../api/HealthApi';
import { AlertsTable } from '../AlertsCard/AlertsTable';
import { filterNow, NowFilter, options } from './filterNow';
import { age, StatusChip } from './StatusChip';
import { useLiveTick } from './useLiveTick';

const FIELDS: (keyof NowFilter)[] = ['system', 'site', 'owner'];

/** Everything not ok and everything firing, worst and oldest first, filtered by system, site and owner; live. */
export const NowContent = () => {
  const api = useApi(healthApiRef);
  const tick = useLiveTick();
  const [reload, setReload] = useState(0);
  const [filter, setFilter] = useState<NowFilter>({});
  const { value, error, loading } = useAsync(() => api.getNow(), [api, tick, reload]);

  if (error) return <ResponseErrorPanel title="The Now page could not be read" error={error} />;
  if (!value) return loading ? <Progress /> : null;
  const rows = filterNow(value, filter);
  const title = (ref: string) => value.entities[ref]?.title ?? ref;
  return (
    <>
      {value.sources
        .filter(s => s.status === 'unknown')
        .map(s => (
          <WarningPanel key={s.source} title={`${s.source}: unknown`} message={s.message} />
        ))}
      <Box display="flex" style={{ gap: 16 }} mb={2}>
        {FIELDS.map(field => (
          <FormControl key={field} style={{ minWidth: 220 }}>
            <InputLabel id={`now-${field}`}>{field[0].toUpperCase() + field.slice(1)}</InputLabel>
            <Select
              labelId={`now-${field}`}
              value={filter[field] ?? ''}
              onChange={e => setFilter(f => ({ ...f, [field]: (e.target.value as string) || undefined }))}
            >
              <MenuItem value="">All</MenuItem>
              {options(value, field).map(o => (
                <MenuItem key={o} value={o}>{o}</MenuItem>
              ))}
            </Select>
          </FormControl>
        ))}
      </Box>
      <Box mb={2}>
        <InfoCard title={`Not ok (${rows.health.length})`}>
          {rows.health.length === 0 ? (
            <Typography variant="body2">Everything probed is ok.</Typography>
          ) : (
            <Table size="small" aria-label="not ok">
              <TableHead>
                <TableRow>
                  <TableCell>Status</TableCell>
                  <TableCell>Entity</TableCell>
                  <TableCell>Why</TableCell>
                  <TableCell>Since</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.health.map(h => (
                  <TableRow key={h.entityRef}>
                    <TableCell><StatusChip status={h.status} /></TableCell>
                    <TableCell>{title(h.entityRef)}</TableCell>
                    <TableCell>{h.reasons.filter(r => r.status !== 'ok').map(r => r.message).join('; ')}</TableCell>
                    <TableCell>{age(h.since)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </InfoCard>
      </Box>
      <InfoCard title={`Firing (${rows.alerts.filter(a => a.state === 'active').length})`}>
        <AlertsTable alerts={rows.alerts} onChanged={() => setReload(r => r + 1)} showEntities entityTitle={title} />
      </InfoCard>
    </>
  );
};
