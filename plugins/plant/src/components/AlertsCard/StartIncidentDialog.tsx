import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/core-plugin-api';
import {
  RUNBOOK_SEVERITIES,
  type AlertSeverity,
  type PlantAlert,
  type RunbookSeverity,
} from '@plantops/backstage-plugin-plant-common';
import { runbooksApiRef } from '../../api/RunbooksApi';

/** The guide's levels: critical is an outage (P1), warning major impact (P2). */
const SEVERITY: Record<AlertSeverity, RunbookSeverity> = { critical: 'P1', warning: 'P2', info: 'P3', none: 'P4' };

/** The runbook id of an alert's runbook link (`/runbooks/<id>?entity=...`). */
function runbookIdOf(runbookUrl: string | null): string | undefined {
  if (!runbookUrl) return undefined;
  const m = new URL(runbookUrl, 'http://portal').pathname.match(/\/runbooks\/([^/]+)$/);
  return m && m[1] !== 'incidents' ? decodeURIComponent(m[1]) : undefined;
}

/**
 * Starts an incident from an alert: severity from the alert's, its entities
 * as affected, its runbook linked. Then opens the runbook with the incident
 * (so its steps land on the timeline), or the incident without a runbook.
 */
export const StartIncidentDialog = ({ alert, onClose }: { alert: PlantAlert; onClose: () => void }) => {
  const api = useApi(runbooksApiRef);
  const navigate = useNavigate();
  const [title, setTitle] = useState(`${alert.name}: ${alert.summary}`.trim());
  const [severity, setSeverity] = useState<RunbookSeverity>(SEVERITY[alert.severity] ?? 'P3');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const runbookId = runbookIdOf(alert.runbookUrl);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const incident = await api.startIncident({ title, severity, entities: alert.entityRefs, runbookId, alert: alert.name });
      onClose();
      if (runbookId && alert.runbookUrl) {
        const url = new URL(alert.runbookUrl, 'http://portal');
        url.searchParams.set('incident', incident.id);
        navigate(`${url.pathname}${url.search}`);
      } else {
        navigate(`/runbooks/incidents/${encodeURIComponent(incident.id)}`);
      }
    } catch (e: any) {
      setError(e.message);
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby="start-incident-title" fullWidth maxWidth="sm">
      <DialogTitle id="start-incident-title">Start incident from {alert.name}</DialogTitle>
      <DialogContent>
        <TextField id="incident-title" label="Title" value={title} onChange={e => setTitle(e.target.value)} fullWidth margin="dense" />
        <TextField
          id="incident-severity"
          select
          label="Severity"
          value={severity}
          onChange={e => setSeverity(e.target.value as RunbookSeverity)}
          fullWidth
          margin="dense"
        >
          {RUNBOOK_SEVERITIES.map(s => (
            <MenuItem key={s} value={s}>{s}</MenuItem>
          ))}
        </TextField>
        <Typography variant="body2">Affected: {alert.entityRefs.length ? alert.entityRefs.join(', ') : 'none mapped'}</Typography>
        <Typography variant="body2">Runbook: {runbookId ?? 'none yet'}</Typography>
        {error && <Typography color="error" role="alert">{error}</Typography>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button color="primary" variant="contained" onClick={submit} disabled={busy || !title.trim()}>Start incident</Button>
      </DialogActions>
    </Dialog>
  );
};
