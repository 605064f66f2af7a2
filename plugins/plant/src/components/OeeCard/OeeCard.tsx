import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { PlantScope, scopeOf } from '../../lib/scope';
import { WindowKind } from '../../lib/windows';
import { LossesChart } from './LossesChart';
import { OeeGauges } from './OeeGauges';
import { TrendChart } from './TrendChart';
import { WindowSelector } from './WindowSelector';
import { useOeeData } from './useOeeData';
import { useSiteClock } from './useSiteClock';

const OeeCardBody = ({
  entity,
  scope,
}: {
  entity: Entity;
  scope: PlantScope;
}) => {
  const [kind, setKind] = useState<WindowKind>('shift');
  const { clock } = useSiteClock(entity, scope);
  const { value, error, loading } = useOeeData(scope, kind, clock);

  let body;
  if (error) {
    body = <ResponseErrorPanel title={error.message} error={error} />;
  } else if (!value) {
    body = loading || !clock ? <Progress /> : null;
  } else if ('problem' in value) {
    body = (
      <WarningPanel
        title="OEE window unknown"
        message={`The ${
          kind === 'shift' ? 'current shift' : 'window'
        } is unknown: ${value.problem}`}
      />
    );
  } else {
    body = (
      <>
        <Typography variant="body2" color="textSecondary" gutterBottom>
          {value.window.label}
        </Typography>
        <OeeGauges
          result={value.summary?.result}
          missingReason="no telemetry in this window"
        />
        <Box mt={3}>
          <Typography variant="h6">Trend</Typography>
          <TrendChart
            points={value.trend}
            resolution={value.window.resolution}
          />
        </Box>
        <Box mt={3}>
          <Typography variant="h6">Six big losses (minutes)</Typography>
          <LossesChart losses={value.summary?.losses} />
        </Box>
      </>
    );
  }

  return (
    <InfoCard
      title="OEE"
      subheader={
        scope.line
          ? `line ${scope.line} at ${scope.site}`
          : `site ${scope.site}`
      }
      action={<WindowSelector value={kind} onChange={setKind} />}
    >
      {body}
    </InfoCard>
  );
};

/** OEE of a ProductionLine or Site entity: gauges, trend and losses. */
export const OeeCard = () => {
  const { entity } = useEntity();
  const scope = scopeOf(entity);
  if (!scope) {
    return (
      <InfoCard title="OEE">
        <WarningPanel
          title="OEE is shown for Site and ProductionLine entities"
          message={`${entity.kind} ${entity.metadata.name} is neither (or its spec.site is missing).`}
        />
      </InfoCard>
    );
  }
  return <OeeCardBody entity={entity} scope={scope} />;
};
