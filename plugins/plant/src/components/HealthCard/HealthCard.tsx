import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { healthApiRef } from '../../api/HealthApi';
import { age, StatusChip } from '../NowPage/StatusChip';
import { useLiveTick } from '../NowPage/useLiveTick';

/** Health of the entity on its page: status, since when, why; live. */
export const HealthCard = () => {
  const { entity } = useEntity();
  const ref = stringifyEntityRef(entity);
  const api = useApi(healthApiRef);
  const tick = useLiveTick([ref]);
  const { value, error, loading } = useAsync(async () => {
    const [health, history] = await Promise.all([api.getHealth([ref]), api.getHistory(ref)]);
    return { health: health.items.find(h => h.entityRef === ref), history };
  }, [api, ref, tick]);

  let body;
  if (error) body = <ResponseErrorPanel title="Health could not be read" error={error} />;
  else if (!value) body = loading ? <Progress /> : null;
  else if (!value.health) {
    body = (
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <StatusChip status="unknown" />
        <Typography variant="body2">
          No health data: no probe is declared for this entity (plantops.io/health-url, plantops.io/prometheus-job, ...) or it was not swept yet.
        </Typography>
      </Box>
    );
  } else {
    const h = value.health;
    const changes = value.history.changes;
    body = (
      <>
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <StatusChip status={h.status} />
          <Typography variant="body2" color="textSecondary">
            {h.derived ? 'from its parts, ' : ''}since {age(h.since)} ago, checked {age(h.checkedAt)} ago
          </Typography>
        </Box>
        <List dense>
          {h.reasons.map((r, i) => (
            <ListItem key={i} disableGutters>
              <StatusChip status={r.status} />
              <ListItemText style={{ marginLeft: 8 }} primary={r.message} secondary={r.probe === 'part' ? 'part' : r.probe} />
            </ListItem>
          ))}
        </List>
        {changes.length > 0 && (
          <Typography variant="caption" color="textSecondary" aria-label="history">
            Last {value.history.windowHours} h: {changes.map(c => `${c.status} ${age(c.at)} ago`).reverse().join(' ← ')}
          </Typography>
        )}
      </>
    );
  }
  return <InfoCard title="Health">{body}</InfoCard>;
};
