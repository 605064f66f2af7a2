import Box from '@material-ui/core/Box';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import type { MachineStatus } from '../../api';
import { formatPercent } from '../../lib/format';
import { LineView } from './useOverviewData';
import { TONES, TONE_ORDER, toneOf } from './states';

const useStyles = makeStyles(theme => ({
  dot: {
    display: 'inline-block',
    width: 12,
    height: 12,
    borderRadius: '50%',
    marginRight: theme.spacing(1),
    border: `1px solid ${theme.palette.text.disabled}`,
    flexShrink: 0,
  },
  andon: { color: theme.palette.error.main, fontWeight: 'bold' },
}));

const MachineRow = ({ machine }: { machine: MachineStatus }) => {
  const classes = useStyles();
  const tone = toneOf(machine.state);
  const state = machine.state ?? 'unknown';
  return (
    <Box display="flex" alignItems="center" component="li">
      <span
        className={classes.dot}
        role="img"
        aria-label={`${machine.machine} ${state} (${TONES[tone].label})`}
        data-tone={tone}
        style={{ backgroundColor: TONES[tone].colour }}
      />
      <Typography variant="body2">
        {machine.machine}:{' '}
        {tone === 'unknown' ? `unknown state (${state})` : state}
      </Typography>
    </Box>
  );
};

function stateCounts(machines: MachineStatus[]): string {
  const counts = new Map<string, number>();
  for (const m of machines) {
    const tone = toneOf(m.state);
    counts.set(tone, (counts.get(tone) ?? 0) + 1);
  }
  return TONE_ORDER.filter(t => counts.has(t))
    .map(t => `${counts.get(t)} ${TONES[t].label}`)
    .join(' · ');
}

/** The line's catalog page; a plain path when the catalog's route is not bound. */
function useLineHref(line: LineView): string {
  const entityRoute = useRouteRef(entityRouteRef);
  const ref = {
    kind: 'ProductionLine',
    namespace: line.namespace,
    name: line.line,
  };
  const params = entityRouteParams(ref, { encodeParams: true });
  return (
    entityRoute?.(params) ??
    `/catalog/${params.namespace}/${params.kind}/${params.name}`
  );
}

/** One line at a glance: machine states, shift OEE, active Andon calls. */
export const LineSummary = ({ line }: { line: LineView }) => {
  const classes = useStyles();
  const href = useLineHref(line);
  const andons = line.machines.filter(m => m.andon?.active);
  return (
    <Card variant="outlined" role="region" aria-label={`line ${line.line}`}>
      <CardContent>
        <Typography variant="h6">
          <Link to={href}>{line.title ?? line.line}</Link>
        </Typography>
        {line.machines.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No machine data yet.
          </Typography>
        ) : (
          <>
            <Typography variant="caption" color="textSecondary">
              {stateCounts(line.machines)}
            </Typography>
            <Box component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
              {line.machines.map(m => (
                <MachineRow key={m.machine} machine={m} />
              ))}
            </Box>
          </>
        )}
        <Typography variant="body2">
          Shift OEE: <strong>{formatPercent(line.oee?.oee)}</strong>
          {(line.oee?.oee ?? null) === null &&
            ` (${line.oee?.reasons?.oee ?? line.oeeProblem ?? 'not reported'})`}
        </Typography>
        {andons.length === 0 ? (
          <Typography variant="body2">Andon: none active</Typography>
        ) : (
          <Typography variant="body2" className={classes.andon}>
            Andon: {andons.length} active (
            {andons
              .map(m => `${m.machine}: ${m.andon?.reason || 'no reason given'}`)
              .join('; ')}
            )
          </Typography>
        )}
      </CardContent>
    </Card>
  );
};
