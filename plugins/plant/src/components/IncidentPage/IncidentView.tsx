import { useState } from 'react';
import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { CodeSnippet, InfoCard, Link, Progress, ResponseErrorPanel, Table } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { IncidentEvent } from '@plantops/backstage-plugin-plant-common';
import { runbooksApiRef } from '../../api/RunbooksApi';

/** An incident: its timeline, notes, acknowledgement, close with a resolution, Markdown export. */
export const IncidentView = () => {
  const { id = '' } = useParams();
  const api = useApi(runbooksApiRef);
  const [text, setText] = useState('');
  const [markdown, setMarkdown] = useState<string>();
  const [actionError, setActionError] = useState<Error>();
  const { value: incident, loading, error, retry } = useAsyncRetry(() => api.getIncident(id), [id]);
  // Template tasks end on their own (the backend records their outcome): keep the timeline current.
  useInterval(retry, incident && incident.status === 'open' ? 10_000 : null);
  if (loading && !incident) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const i = incident!;
  const act = (fn: () => Promise<unknown>) => async () => {
    try {
      setActionError(undefined);
      await fn();
      setText('');
      retry();
    } catch (e) {
      setActionError(e as Error);
    }
  };
  return (
    <>
      <Typography variant="h4">Incident {i.id}: {i.title}</Typography>
      <Typography variant="body2" color="textSecondary">
        {i.severity} · {i.status} · commander {i.commander} · affected {i.entities.join(', ') || 'none recorded'}
        {i.runbookId && <> · runbook <Link to={`../${i.runbookId}?incident=${i.id}${i.entities[0] ? `&entity=${encodeURIComponent(i.entities[0])}` : ''}`}>{i.runbookId}</Link></>}
      </Typography>
      {actionError && <ResponseErrorPanel error={actionError} />}
      {i.status === 'open' && (
        <InfoCard title="Record">
          <TextField id="incident-text" fullWidth multiline label="Note or resolution" value={text} onChange={e => setText(e.target.value)} />
          <Box mt={1} display="flex" style={{ gap: 8 }}>
            <Button variant="outlined" onClick={act(() => api.recordIncidentEvent(i.id, { type: 'acknowledgement', text: text || 'Acknowledged' }))}>Acknowledge</Button>
            <Button variant="outlined" disabled={!text.trim()} onClick={act(() => api.recordIncidentEvent(i.id, { type: 'note', text }))}>Add note</Button>
            <Button variant="contained" color="primary" disabled={!text.trim()} onClick={act(() => api.closeIncident(i.id, text))}>Close with this resolution</Button>
          </Box>
        </InfoCard>
      )}
      <Table<IncidentEvent>
        title="Timeline"
        options={{ paging: false, search: false }}
        columns={[
          { title: 'Time', field: 'at' },
          { title: 'Who', field: 'actor' },
          { title: 'What', field: 'type' },
          {
            title: 'Details',
            render: e => (
              <>
                {e.text}
                {e.outcome ? ` (${e.outcome})` : ''}
                {e.taskUrl && <> · <Link to={e.taskUrl}>task</Link></>}
              </>
            ),
          },
        ]}
        data={i.timeline}
      />
      <Box mt={2}>
        <Button variant="outlined" onClick={act(async () => setMarkdown(await api.exportIncident(i.id)))}>Export as Markdown</Button>
        {markdown && <CodeSnippet text={markdown} language="markdown" showCopyCodeButton />}
      </Box>
    </>
  );
};
