import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { PlantAlert } from '@plantops/backstage-plugin-plant-common';
import { healthApiRef } from '../../api/HealthApi';
import { age, SeverityChip } from '../NowPage/StatusChip';
import { StartIncidentDialog } from './StartIncidentDialog';

const SilenceDialog = ({ alert, onClose }: { alert: PlantAlert; onClose: (silenced: boolean) => void }) => {
  const api = useApi(healthApiRef);
  const [minutes, setMinutes] = useState('60');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.silence({ alertId: alert.id, minutes: Number(minutes), comment });
      onClose(true);
    } catch (e: any) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={() => onClose(false)} aria-labelledby="silence-title">
      <DialogTitle id="silence-title">Silence {alert.name}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom>{alert.summary}</Typography>
        <TextField id="silence-minutes" label="Minutes" type="number" value={minutes} onChange={e => setMinutes(e.target.value)} fullWidth margin="dense" />
        <TextField id="silence-comment" label="Comment" value={comment} onChange={e => setComment(e.target.value)} fullWidth margin="dense" placeholder="ack: looking into it" />
        {error && <Typography color="error" role="alert">{error}</Typography>}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => onClose(false)}>Cancel</Button>
        <Button color="primary" onClick={submit} disabled={busy}>Silence</Button>
      </DialogActions>
    </Dialog>
  );
};

/** Alerts with severity, state, age, runbook, a Silence action for Alertmanager alerts, and Start incident. */
export const AlertsTable = ({
  alerts,
  onChanged,
  showEntities,
  entityTitle,
}: {
  alerts: PlantAlert[];
  onChanged: () => void;
  showEntities?: boolean;
  entityTitle?: (ref: string) => string;
}) => {
  const [silencing, setSilencing] = useState<PlantAlert>();
  const [starting, setStarting] = useState<PlantAlert>();
  if (alerts.length === 0) return <Typography variant="body2">Nothing firing.</Typography>;
  return (
    <>
      <Table size="small" aria-label="alerts">
        <TableHead>
          <TableRow>
            <TableCell>Severity</TableCell>
            <TableCell>Alert</TableCell>
            {showEntities && <TableCell>Entities</TableCell>}
            <TableCell>Age</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Runbook</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {alerts.map(a => (
            <TableRow key={a.id}>
              <TableCell><SeverityChip severity={a.severity} /></TableCell>
              <TableCell>
                <strong>{a.name}</strong>
                <br />
                <Typography variant="caption">{a.summary}</Typography>
              </TableCell>
              {showEntities && (
                <TableCell>{a.entityRefs.length ? a.entityRefs.map(r => entityTitle?.(r) ?? r).join(', ') : 'unmapped'}</TableCell>
              )}
              <TableCell>{age(a.startsAt)}</TableCell>
              <TableCell>{a.state === 'suppressed' ? 'silenced' : 'firing'}</TableCell>
              <TableCell>{a.runbookUrl ? <Link to={a.runbookUrl}>runbook</Link> : 'none yet'}</TableCell>
              <TableCell>
                {a.source === 'alertmanager' && a.state === 'active' && (
                  <Button size="small" onClick={() => setSilencing(a)}>Silence</Button>
                )}
                <Button size="small" color="secondary" onClick={() => setStarting(a)}>Start incident</Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {starting && <StartIncidentDialog alert={starting} onClose={() => setStarting(undefined)} />}
      {silencing && (
        <SilenceDialog
          alert={silencing}
          onClose={done => {
            setSilencing(undefined);
            if (done) onChanged();
          }}
        />
      )}
    </>
  );
};
