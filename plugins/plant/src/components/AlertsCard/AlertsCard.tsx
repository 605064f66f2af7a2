import { useState } from 'react';
import { InfoCard, Progress, ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { healthApiRef } from '../../api/HealthApi';
import { useLiveTick } from '../NowPage/useLiveTick';
import { AlertsTable } from './AlertsTable';

/** Alerts on the entity (Alertmanager and Andon), live; silence from here. */
export const AlertsCard = () => {
  const { entity } = useEntity();
  const ref = stringifyEntityRef(entity);
  const api = useApi(healthApiRef);
  const tick = useLiveTick([ref]);
  const [reload, setReload] = useState(0);
  const { value, error, loading } = useAsync(() => api.getAlerts(ref), [api, ref, tick, reload]);

  let body;
  if (error) body = <ResponseErrorPanel title="Alerts could not be read" error={error} />;
  else if (!value) body = loading ? <Progress /> : null;
  else {
    const unknown = value.sources.filter(s => s.status === 'unknown');
    body = (
      <>
        {unknown.map(s => (
          <WarningPanel key={s.source} title={`${s.source}: unknown`} message={s.message} />
        ))}
        <AlertsTable alerts={value.alerts} onChanged={() => setReload(r => r + 1)} />
      </>
    );
  }
  return <InfoCard title="Alerts">{body}</InfoCard>;
};
