import useAsync from 'react-use/esm/useAsync';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Box from '@material-ui/core/Box';
import { InfoCard, Link, Progress, WarningPanel } from '@backstage/core-components';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { RunbookContext } from '@plantops/backstage-plugin-plant-common';
import { plantApiRef } from '../../api/PlantApi';
import { healthApiRef } from '../../api/HealthApi';
import { runbooksApiRef } from '../../api/RunbooksApi';
import { scopeOf } from '../../lib/scope';
import { AlertsCard } from '../AlertsCard';
import { HealthCard } from '../HealthCard';

const SOURCE_TITLE = { argocd: 'ArgoCD', kubernetes: 'Kubernetes', portal: 'Portal run' } as const;

/** The entity's health and firing alerts, side by side above the steps (the alerts table needs the width). */
export const LiveStatus = ({ entity }: { entity: Entity }) => (
  <EntityProvider entity={entity}>
    <Grid container spacing={2}>
      <Grid item xs={12} md={4} lg={3}>
        <HealthCard />
      </Grid>
      <Grid item xs={12} md={8} lg={9}>
        <AlertsCard />
      </Grid>
    </Grid>
  </EntityProvider>
);

/** ArgoCD history, ReplicaSet revisions and portal deploy/rollback runs, newest first. */
const RecentDeployments = ({ entityRef }: { entityRef: string }) => {
  const api = useApi(runbooksApiRef);
  const { value, loading, error } = useAsync(() => api.getDeployments(entityRef), [api, entityRef]);
  return (
    <InfoCard title="Recent deployments">
      {loading && <Progress />}
      {error && <WarningPanel title="Deployments could not be read" message={error.message} />}
      {value?.sources
        .filter(s => s.status === 'unknown')
        .map(s => <WarningPanel key={s.source} title={`${s.source}: unknown`} message={s.message} />)}
      {value && value.items.length === 0 && (
        <Typography variant="body2">No deployments known (no argocd/app-name, Kubernetes workload or portal run).</Typography>
      )}
      {value && value.items.length > 0 && (
        <List dense aria-label="recent deployments">
          {value.items.slice(0, 10).map((d, i) => (
            <ListItem key={i}>
              <ListItemText
                primaryTypographyProps={{ style: { whiteSpace: 'normal', overflowWrap: 'anywhere' } }}
                primary={`${SOURCE_TITLE[d.source]} ${d.revision}: ${d.description}`}
                secondary={
                  <>
                    {d.at ? d.at.replace('T', ' ').slice(0, 19) : 'time unknown'}
                    {d.taskId && <> · <Link to={`/create/tasks/${d.taskId}`}>task</Link></>}
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
};

/** Kafka consumer lag and replication lag from the entity's health probes, where it has them. */
const Lag = ({ entityRef }: { entityRef: string }) => {
  const api = useApi(healthApiRef);
  const { value } = useAsync(() => api.getHealth([entityRef]), [api, entityRef]);
  const reasons = (value?.items ?? [])
    .flatMap(h => h.reasons)
    .filter(r => (r.probe === 'kafka' || r.probe === 'postgres') && Object.keys(r.details ?? {}).some(k => /lag/i.test(k)));
  if (!reasons.length) return null;
  return (
    <Box mb={2}>
    <InfoCard title="Lag">
      <List dense>
        {reasons.map((r, i) => (
          <ListItem key={i}>
            <ListItemText
              primary={r.probe === 'kafka' ? 'Kafka consumer lag' : 'Replication lag'}
              secondary={`${r.status}: ${r.message}`}
            />
          </ListItem>
        ))}
      </List>
    </InfoCard>
    </Box>
  );
};

/**
 * The rest of the live state beside a runbook's steps: recent deployments,
 * Kafka or replication lag where the entity has them, where it runs, and for
 * a Site or ProductionLine its machines and Andon calls.
 */
export const LiveContext = ({
  entity,
  ctx,
}: {
  entity?: Entity;
  ctx?: RunbookContext;
}) => {
  const plantApi = useApi(plantApiRef);
  const scope = entity ? scopeOf(entity) : undefined;
  const { value, loading, error } = useAsync(async () => {
    if (!scope) return undefined;
    const [machines, andon] = await Promise.all([
      plantApi.getMachines({ site: scope.site, line: scope.line }),
      plantApi.getAndon({ site: scope.site, line: scope.line, active: true }),
    ]);
    return { machines: machines.items, andon: andon.items };
  }, [scope?.site, scope?.line]);

  if (!entity) {
    return (
      <InfoCard title="Live context">
        <Typography variant="body2">
          Open this runbook from an entity's Runbooks tab to see its live state
          and fill in the templates.
        </Typography>
      </InfoCard>
    );
  }
  const ref = stringifyEntityRef(entity);
  const alerts = entity.metadata.annotations?.['prometheus.io/alert'];
  return (
    <>
      <Box mb={2}>
        <RecentDeployments entityRef={ref} />
      </Box>
      <Lag entityRef={ref} />
      <InfoCard
        title={`Where ${entity.metadata.title ?? entity.metadata.name} runs`}
      >
        <List dense>
          <ListItem>
            <ListItemText
              primary="Cluster"
              secondary={ctx?.context?.cluster ?? 'unknown'}
            />
          </ListItem>
          <ListItem>
            <ListItemText
              primary="Namespace"
              secondary={ctx?.context?.namespace ?? 'unknown'}
            />
          </ListItem>
          {alerts && (
            <ListItem>
              <ListItemText primary="Alert rules" secondary={alerts} />
            </ListItem>
          )}
        </List>
        {loading && <Progress />}
        {error && (
          <WarningPanel
            title="Live telemetry unavailable"
            message={error.message}
          />
        )}
        {value && (
          <>
            <Typography variant="subtitle2">Machines</Typography>
            <List dense>
              {value.machines.map(m => (
                <ListItem key={`${m.line}/${m.machine}`}>
                  <ListItemText
                    primary={`${m.line} / ${m.machine}: ${
                      m.state ?? 'no telemetry'
                    }`}
                    secondary={
                      m.stateSince ? `since ${m.stateSince}` : undefined
                    }
                  />
                </ListItem>
              ))}
            </List>
            <Typography variant="subtitle2">
              Active Andon calls: {value.andon.length}
            </Typography>
            <List dense>
              {value.andon.map(a => (
                <ListItem key={`${a.line}/${a.machine}`}>
                  <ListItemText
                    primary={`${a.line} / ${a.machine}`}
                    secondary={a.reason ?? undefined}
                  />
                </ListItem>
              ))}
            </List>
          </>
        )}
      </InfoCard>
    </>
  );
};
