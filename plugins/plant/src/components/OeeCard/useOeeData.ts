import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { OeeTrendPoint, plantApiRef } from '../../api';
import { useTelemetryRefresh } from '../../hooks/useTelemetryRefresh';
import type { PlantScope } from '../../lib/scope';
import {
  OeeWindow,
  SiteClock,
  WindowKind,
  resolveWindow,
} from '../../lib/windows';
import { OeeSummary, summarize } from './summarize';

export type OeeData =
  | { window: OeeWindow; summary?: OeeSummary; trend: OeeTrendPoint[] }
  | { problem: string };

/** OEE and its trend for the scope over the window; refetched live. */
export function useOeeData(
  scope: PlantScope,
  kind: WindowKind,
  clock: SiteClock | undefined,
) {
  const api = useApi(plantApiRef);
  const tick = useTelemetryRefresh(scope);
  return useAsync(async (): Promise<OeeData | undefined> => {
    if (!clock) return undefined;
    // Resolved per fetch so "now" moves with each refresh.
    const window = resolveWindow(kind, new Date(), clock);
    if ('problem' in window) return window;
    const filter = { site: scope.site, line: scope.line };
    const [oee, trend] = await Promise.all([
      api.getOee({
        ...filter,
        from: window.from,
        to: window.to,
        groupBy: scope.line ? 'line' : 'site',
      }),
      api.getOeeTrend({
        ...filter,
        from: window.from,
        to: window.to,
        resolution: window.resolution,
      }),
    ]);
    return {
      window,
      summary: summarize(oee.groups ?? []),
      trend: trend.points ?? [],
    };
  }, [api, scope.site, scope.line, kind, clock, tick]);
}
