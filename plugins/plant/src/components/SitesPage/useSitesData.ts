import { useMemo } from 'react';
import { Entity } from '@backstage/catalog-model';
import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { MachineStatus, plantApiRef } from '../../api';
import { usePollTick } from '../../hooks/usePollTick';
import { useTelemetryRefresh } from '../../hooks/useTelemetryRefresh';
import { SitesModel, buildSiteRows } from './siteRows';

/**
 * Telemetry that stops sends no signal, so the page also refetches on a
 * timer: a site goes stale on screen at most this long after its 2 minutes.
 */
export const SITES_POLL_MS = 30_000;

/** What a line contributes to the page: its site and its machines. */
const LINE_FIELDS = [
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.site',
  'spec.machines',
];

type MachinesRead = { items: MachineStatus[] | Error; at: Date };

/**
 * Every Site and ProductionLine from the catalog (read once), and the
 * machines from the plant backend, refetched on `plant:telemetry` and every
 * 30 s. A failed machines read does not hide the sites: their status turns
 * to "telemetry unavailable".
 */
export function useSitesData(): {
  model?: SitesModel;
  catalogError?: Error;
  loading: boolean;
} {
  const api = useApi(plantApiRef);
  const catalogApi = useApiHolder().get(catalogApiRef);
  const signalTick = useTelemetryRefresh({});
  const pollTick = usePollTick(SITES_POLL_MS);

  const catalog = useAsync(async (): Promise<Entity[]> => {
    if (!catalogApi) throw new Error('the catalog plugin is not installed');
    const [sites, lines] = await Promise.all([
      catalogApi.getEntities({ filter: { kind: 'Site' } }),
      catalogApi.getEntities({
        filter: { kind: 'ProductionLine' },
        fields: LINE_FIELDS,
      }),
    ]);
    return [...sites.items, ...lines.items];
  }, [catalogApi]);

  const machines = useAsync(async (): Promise<MachinesRead> => {
    try {
      const res = await api.getMachines();
      return { items: res.items ?? [], at: new Date() };
    } catch (e) {
      return {
        items: e instanceof Error ? e : new Error(String(e)),
        at: new Date(),
      };
    }
  }, [api, signalTick, pollTick]);

  const model = useMemo(
    () =>
      catalog.value && machines.value
        ? buildSiteRows(catalog.value, machines.value.items, machines.value.at)
        : undefined,
    [catalog.value, machines.value],
  );
  return {
    model,
    catalogError: catalog.error,
    loading: catalog.loading || !machines.value,
  };
}
