import useAsync from 'react-use/esm/useAsync';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Box from '@material-ui/core/Box';
import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { useApi } from '@backstage/core-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { RunbookContext } from '@plantops/backstage-plugin-plant-common';
import { plantApiRef } from '../../api/PlantApi';
import { scopeOf } from '../../lib/scope';
import { AlertsCard } from '../AlertsCard';
import { HealthCard } from '../HealthCard';

/**
 * The live state beside a runbook: the entity's Health and Alerts cards
 * (probes such as Kafka lag or replication lag show in Health's reasons),
 * where it runs, and for a Site or ProductionLine its machines and Andon calls.
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
  const alerts = entity.metadata.annotations?.['prometheus.io/alert'];
  return (
    <EntityProvider entity={entity}>
      <Box mb={2}>
        <HealthCard />
      </Box>
      <Box mb={2}>
        <AlertsCard />
      </Box>
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
    </EntityProvider>
  );
};
