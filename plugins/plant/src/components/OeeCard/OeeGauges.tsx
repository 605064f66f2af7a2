import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type {
  OeeMetric,
  OeeResult,
} from '@plantops/backstage-plugin-plant-common';
import { MetricGauge } from './MetricGauge';

const METRICS: Array<{ key: Exclude<OeeMetric, 'teep'>; label: string }> = [
  { key: 'availability', label: 'Availability' },
  { key: 'performance', label: 'Performance' },
  { key: 'quality', label: 'Quality' },
  { key: 'oee', label: 'OEE' },
];

/**
 * A, P, Q and OEE. `result` undefined means no data at all for the window:
 * every value is unknown, for `missingReason`.
 */
export const OeeGauges = ({
  result,
  missingReason,
}: {
  result?: OeeResult;
  missingReason: string;
}) => {
  const above100 =
    !!result &&
    (result.flags?.performanceAbove100 ||
      (typeof result.performance === 'number' && result.performance > 1));
  const above100Note =
    result?.warnings?.find(w => w.startsWith('performance')) ??
    'performance above 100%: the ideal cycle time is probably set too long';
  const otherWarnings = (result?.warnings ?? []).filter(
    w => w !== above100Note,
  );

  return (
    <>
      <Grid container spacing={2}>
        {METRICS.map(({ key, label }) => (
          <Grid item xs={6} sm={3} key={key}>
            <MetricGauge
              label={label}
              value={result ? result[key] : null}
              reason={
                result ? result.reasons?.[key] ?? 'not reported' : missingReason
              }
              warn={key === 'performance' && above100}
            />
          </Grid>
        ))}
      </Grid>
      {(above100 || otherWarnings.length > 0) && (
        <Box mt={1}>
          {above100 && (
            <Tooltip title={above100Note}>
              <Chip
                size="small"
                color="secondary"
                label="Performance > 100%"
                aria-label={`Performance above 100%: ${above100Note}`}
              />
            </Tooltip>
          )}
          {otherWarnings.map(w => (
            <Typography key={w} variant="caption" display="block">
              {w}
            </Typography>
          ))}
        </Box>
      )}
    </>
  );
};
