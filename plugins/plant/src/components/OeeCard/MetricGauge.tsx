import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { formatPercent } from '../../lib/format';

const RADIUS = 40;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

const useStyles = makeStyles(theme => ({
  dial: { position: 'relative', width: 96, height: 96, margin: '0 auto' },
  value: {
    position: 'absolute',
    inset: 0,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    fontWeight: theme.typography.fontWeightBold as number,
  },
  trail: { stroke: theme.palette.divider },
  good: { stroke: theme.palette.status.ok },
  fair: { stroke: theme.palette.status.warning },
  poor: { stroke: theme.palette.status.error },
  unknown: { stroke: theme.palette.text.disabled },
  reason: { display: 'block', color: theme.palette.text.secondary },
}));

export type MetricGaugeProps = {
  label: string;
  value: number | null | undefined;
  /** Why the value is unknown, shown under it. */
  reason?: string;
  /** Draw in the warning colour whatever the value (e.g. performance > 100%). */
  warn?: boolean;
};

/** A ring gauge for a fraction. The text shows the real value, above 100% too. */
export const MetricGauge = ({
  label,
  value,
  reason,
  warn,
}: MetricGaugeProps) => {
  const classes = useStyles();
  const known = typeof value === 'number' && Number.isFinite(value);
  const text = formatPercent(value);
  let tone = classes.unknown;
  if (known) {
    if (warn) tone = classes.fair;
    else if (value >= 0.85) tone = classes.good;
    else if (value >= 0.6) tone = classes.fair;
    else tone = classes.poor;
  }
  // A ring cannot show more than a full turn; the number is never clamped.
  const arc = known ? Math.min(Math.max(value, 0), 1) * CIRCUMFERENCE : 0;

  return (
    <Box textAlign="center" role="group" aria-label={`${label} ${text}`}>
      <div className={classes.dial}>
        <svg viewBox="0 0 100 100" width="96" height="96" aria-hidden="true">
          <circle
            className={classes.trail}
            cx="50"
            cy="50"
            r={RADIUS}
            fill="none"
            strokeWidth="10"
          />
          <circle
            className={tone}
            cx="50"
            cy="50"
            r={RADIUS}
            fill="none"
            strokeWidth="10"
            strokeDasharray={`${arc} ${CIRCUMFERENCE}`}
            transform="rotate(-90 50 50)"
          />
        </svg>
        <Typography className={classes.value} variant="body1">
          {text}
        </Typography>
      </div>
      <Typography variant="subtitle2">{label}</Typography>
      {!known && reason && (
        <Typography variant="caption" className={classes.reason}>
          {reason}
        </Typography>
      )}
    </Box>
  );
};
