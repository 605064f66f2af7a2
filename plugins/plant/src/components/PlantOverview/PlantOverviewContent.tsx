import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { LineSummary } from './LineSummary';
import { useOverviewData } from './useOverviewData';

/** Every site and line at a glance; updates live. */
export const PlantOverviewContent = () => {
  const { value, error, loading } = useOverviewData();
  // Keep showing the last data while a live refetch runs.
  if (error) return <ResponseErrorPanel title={error.message} error={error} />;
  if (!value) return loading ? <Progress /> : null;

  return (
    <>
      {value.catalogProblem && (
        <WarningPanel
          title="Catalog unavailable: only lines with telemetry are shown, and shift OEE is unknown"
          message={value.catalogProblem}
        />
      )}
      {value.sites.length === 0 && (
        <EmptyState
          missing="data"
          title="No sites yet"
          description="Register Site and ProductionLine entities in the catalog, or start the plant telemetry."
        />
      )}
      {value.sites.map(site => (
        <Box
          key={site.site}
          mb={4}
          component="section"
          aria-label={`site ${site.site}`}
        >
          <Typography variant="h5">{site.title ?? site.site}</Typography>
          {site.shiftLabel && (
            <Typography variant="body2" color="textSecondary" gutterBottom>
              OEE for {site.shiftLabel}
            </Typography>
          )}
          <Grid container spacing={2}>
            {site.lines.map(line => (
              <Grid item xs={12} md={6} lg={4} key={line.line}>
                <LineSummary line={line} />
              </Grid>
            ))}
          </Grid>
        </Box>
      ))}
    </>
  );
};
