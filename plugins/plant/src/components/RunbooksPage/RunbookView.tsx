import { useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  CodeSnippet,
  InfoCard,
  MarkdownContent,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { Runbook, RunbookContext, RunbookStep } from '@plantops/backstage-plugin-plant-common';
import { runbooksApiRef } from '../../api/RunbooksApi';
import { contextFor, templateHref, templateValues } from './context';
import { LiveContext, LiveStatus } from './LiveContext';

function StepCard(props: {
  runbook: Runbook;
  step: RunbookStep;
  ctx?: RunbookContext;
  incidentId?: string;
  onRecorded: (what: string) => void;
}) {
  const { runbook, step, ctx, incidentId, onRecorded } = props;
  const runbooksApi = useApi(runbooksApiRef);
  const navigate = useNavigate();
  const record = async (type: 'step' | 'template-task', template?: string, taskUrl?: string, parameters?: Record<string, unknown>) => {
    if (!incidentId) return;
    await runbooksApi.recordIncidentEvent(incidentId, {
      type,
      text: type === 'step' ? `Ran step "${step.title}"` : `Launched template ${template} from step "${step.title}"`,
      runbookId: runbook.id,
      step: step.number,
      template,
      taskUrl,
      // The backend finds the task these values create and records its outcome.
      outcome: type === 'template-task' ? 'launched' : undefined,
      parameters,
    });
    onRecorded(`step ${step.number}`);
  };
  return (
    <InfoCard title={`${step.number}. ${step.title}`}>
      {step.text && <MarkdownContent content={step.text} />}
      {step.commands.map((c, i) => (
        <Box key={i} mt={1}>
          <CodeSnippet text={c.code} language={c.language === 'text' ? 'bash' : c.language} showCopyCodeButton />
        </Box>
      ))}
      <Box mt={1} display="flex" style={{ gap: 8 }} flexWrap="wrap">
        {step.templates.map((t, i) => {
          const href = ctx ? templateHref(t, ctx) : `/create/templates/default/${t.template}`;
          return (
            <Button
              key={i}
              variant="contained"
              color="primary"
              href={href}
              onClick={async event => {
                if (!incidentId) return; // a plain link
                // Record first, then open the template: a full page load would
                // cancel the request and the step would miss the timeline.
                event.preventDefault();
                try {
                  // The incidents API stores absolute links (they end up in post-mortems).
                  await record('template-task', t.template, new URL(href, window.location.origin).toString(), ctx ? templateValues(t, ctx) : undefined);
                } finally {
                  navigate(href);
                }
              }}
            >
              Run template {t.template}
            </Button>
          );
        })}
        {incidentId && (
          <Button variant="outlined" onClick={() => void record('step')}>
            Mark step done
          </Button>
        )}
      </Box>
    </InfoCard>
  );
}

/** A runbook with its steps, beside the live state of the entity it was opened for. */
export const RunbookView = () => {
  const { id = '' } = useParams();
  const search = new URLSearchParams(useLocation().search);
  const entityRef = search.get('entity') ?? undefined;
  const alert = search.get('alert') ?? undefined;
  // From the URL too when it changes in place (an incident started from the Alerts card above).
  const [started, setIncidentId] = useState<string>();
  const incidentId = started ?? search.get('incident') ?? undefined;
  const [recorded, setRecorded] = useState<string>();
  const runbooksApi = useApi(runbooksApiRef);
  const catalogApi = useApi(catalogApiRef);
  const navigate = useNavigate();

  const { value, loading, error } = useAsync(async () => {
    const runbook = await runbooksApi.getRunbook(id);
    const entity = entityRef ? await catalogApi.getEntityByRef(entityRef) : undefined;
    const ctx = entity ? await contextFor(entity, catalogApi, alert ? { name: alert } : undefined) : undefined;
    return { runbook, entity, ctx };
  }, [id, entityRef, alert]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const { runbook, entity, ctx } = value!;

  const startIncident = async () => {
    const incident = await runbooksApi.startIncident({
      title: alert ? `${alert}: ${runbook.title}` : runbook.title,
      severity: runbook.severity,
      entities: entityRef ? [entityRef] : [],
      runbookId: runbook.id,
      alert,
    });
    setIncidentId(incident.id);
  };

  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <Typography variant="h4">{runbook.title}</Typography>
        <Typography variant="body2" color="textSecondary">
          {runbook.severity} · owner {runbook.owner} · last reviewed {runbook.lastReviewed}
          {runbook.alerts.length ? ` · answers ${runbook.alerts.join(', ')}` : ''}
          {entityRef ? ` · for ${entityRef}` : ''}
        </Typography>
        <Box mt={1} display="flex" style={{ gap: 8 }}>
          {incidentId ? (
            <Button variant="outlined" onClick={() => navigate(`../incidents/${incidentId}`)}>
              Incident {incidentId}
            </Button>
          ) : (
            <Button variant="contained" color="secondary" onClick={() => void startIncident()}>
              Start incident
            </Button>
          )}
          {recorded && <Typography variant="body2">Recorded {recorded} on the incident timeline</Typography>}
        </Box>
      </Grid>
      {entity && (
        <Grid item xs={12}>
          <LiveStatus entity={entity} />
        </Grid>
      )}
      <Grid item xs={12} md={8}>
        {runbook.summary && <MarkdownContent content={runbook.summary} />}
        {runbook.steps.map(step => (
          <Box key={step.number} mb={2}>
            <StepCard runbook={runbook} step={step} ctx={ctx} incidentId={incidentId} onRecorded={setRecorded} />
          </Box>
        ))}
      </Grid>
      <Grid item xs={12} md={4}>
        <LiveContext entity={entity} ctx={ctx} />
      </Grid>
    </Grid>
  );
};
