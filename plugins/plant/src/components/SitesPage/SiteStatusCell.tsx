import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { formatAge } from '../../lib/relativeTime';
import { SiteRow, SiteStatus, statusColour, statusLabel } from './siteRows';

const useStyles = makeStyles(theme => ({
  dot: {
    display: 'inline-block',
    width: 12,
    height: 12,
    borderRadius: '50%',
    marginRight: theme.spacing(1),
    marginTop: 4,
    border: `1px solid ${theme.palette.text.disabled}`,
    flexShrink: 0,
  },
  warning: { color: theme.palette.warning.dark, fontWeight: 'bold' },
  error: { color: theme.palette.error.main, fontWeight: 'bold' },
}));

function headline(status: SiteStatus): string {
  switch (status.kind) {
    case 'live':
      return status.tone === 'unknown'
        ? `Live · worst: unknown state (${status.worstState})`
        : `Live · worst: ${status.worstState}`;
    case 'stale':
      return 'Stale: no heartbeat in the last 2 min';
    case 'no-telemetry':
      return 'No telemetry';
    default:
      return 'Telemetry unavailable';
  }
}

function reporting(status: SiteStatus): string | undefined {
  if (status.kind === 'unavailable') return `status unknown: ${status.problem}`;
  const known = Math.max(status.known, status.reporting);
  return `${status.reporting} of ${known} machine${
    known === 1 ? '' : 's'
  } reporting`;
}

/** Live status of one site: a dot in the worst colour, counts, heartbeat age. */
export const SiteStatusCell = ({ row, now }: { row: SiteRow; now: Date }) => {
  const classes = useStyles();
  const { status } = row;
  const { colour, name } = statusColour(status);
  const heartbeat =
    status.kind === 'live' || status.kind === 'stale'
      ? status.lastHeartbeat
      : undefined;
  let headlineClass: string | undefined;
  if (status.kind === 'no-telemetry') headlineClass = classes.error;
  else if (status.kind !== 'live') headlineClass = classes.warning;

  return (
    <Box display="flex" alignItems="flex-start" data-status={status.kind}>
      <span
        className={classes.dot}
        role="img"
        aria-label={`${row.title} ${statusLabel(status)} (${name})`}
        style={{ backgroundColor: colour }}
      />
      <Box>
        <Typography variant="body2" className={headlineClass}>
          {headline(status)}
        </Typography>
        <Typography variant="caption" color="textSecondary" component="div">
          {reporting(status)}
        </Typography>
        {status.kind !== 'unavailable' && (
          <Typography variant="caption" color="textSecondary" component="div">
            {heartbeat ? (
              <span title={heartbeat.toISOString()}>
                last heartbeat {formatAge(heartbeat, now)}
              </span>
            ) : (
              `last heartbeat ${
                status.kind === 'no-telemetry' ? 'never' : 'unknown'
              }`
            )}
          </Typography>
        )}
      </Box>
    </Box>
  );
};
