import { Entity } from '@backstage/catalog-model';
import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  OeeResult,
  isProductionLineEntity,
  isSiteEntity,
} from '@plantops/backstage-plugin-plant-common';
import useAsync from 'react-use/esm/useAsync';
import { MachineStatus, PlantApi, plantApiRef } from '../../api';
import { useTelemetryRefresh } from '../../hooks/useTelemetryRefresh';
import { siteRefOf } from '../../lib/scope';
import { SiteClock, resolveWindow } from '../../lib/windows';
import { clockOf } from '../OeeCard/useSiteClock';

export type LineView = {
  site: string;
  line: string;
  title?: string;
  namespace: string;
  machines: MachineStatus[];
  oee?: OeeResult;
  /** Why OEE is unknown, when it is. */
  oeeProblem?: string;
};

export type SiteView = {
  site: string;
  title?: string;
  /** The shift the OEE figures are for. */
  shiftLabel?: string;
  lines: LineView[];
};

export type OverviewData = {
  sites: SiteView[];
  /** Set when the catalog could not be read: only lines with telemetry show. */
  catalogProblem?: string;
};

async function readCatalog(
  getEntities: () => Promise<{ items: Entity[] }>,
): Promise<{ entities: Entity[]; problem?: string }> {
  try {
    return { entities: (await getEntities()).items };
  } catch (e) {
    return { entities: [], problem: (e as Error).message };
  }
}

async function shiftOee(
  api: PlantApi,
  site: string,
  clock: SiteClock,
): Promise<{
  label?: string;
  byLine: Map<string, OeeResult>;
  problem?: string;
}> {
  const window = resolveWindow('shift', new Date(), clock);
  if ('problem' in window) {
    return {
      byLine: new Map(),
      problem: `current shift unknown: ${window.problem}`,
    };
  }
  try {
    const res = await api.getOee({
      site,
      from: window.from,
      to: window.to,
      groupBy: 'line',
    });
    const byLine = new Map<string, OeeResult>();
    for (const g of res.groups ?? []) {
      if (g.key?.line) byLine.set(g.key.line, g.result);
    }
    return { label: window.label, byLine };
  } catch (e) {
    return { byLine: new Map(), problem: (e as Error).message };
  }
}

/** Every site and line from the catalog and the backend, refetched live. */
export function useOverviewData() {
  const api = useApi(plantApiRef);
  // Optional: without the catalog the page still shows every line with telemetry.
  const catalogApi = useApiHolder().get(catalogApiRef);
  const tick = useTelemetryRefresh({});

  return useAsync(async (): Promise<OverviewData> => {
    const [catalog, machines] = await Promise.all([
      readCatalog(async () => {
        if (!catalogApi) throw new Error('the catalog plugin is not installed');
        return catalogApi.getEntities({
          filter: { kind: ['Site', 'ProductionLine'] },
        });
      }),
      api.getMachines(),
    ]);

    const sites = new Map<string, SiteView & { clock: SiteClock }>();
    const siteOf = (name: string) => {
      let s = sites.get(name);
      if (!s) {
        s = {
          site: name,
          lines: [],
          clock: { problem: `site ${name} is not in the catalog` },
        };
        sites.set(name, s);
      }
      return s;
    };
    const lineOf = (site: string, line: string) => {
      const s = siteOf(site);
      let l = s.lines.find(x => x.line === line);
      if (!l) {
        l = { site, line, namespace: 'default', machines: [] };
        s.lines.push(l);
      }
      return l;
    };

    for (const e of catalog.entities) {
      if (isSiteEntity(e)) {
        const s = siteOf(e.metadata.name);
        s.title = e.metadata.title;
        s.clock = clockOf(e);
      }
    }
    for (const e of catalog.entities) {
      if (!isProductionLineEntity(e)) continue;
      const site = siteRefOf(e);
      if (!site) continue;
      const l = lineOf(site.name, e.metadata.name);
      l.title = e.metadata.title;
      l.namespace = e.metadata.namespace ?? 'default';
    }
    for (const m of machines.items ?? []) {
      lineOf(m.site, m.line).machines.push(m);
    }

    const list = [...sites.values()].sort((a, b) =>
      a.site.localeCompare(b.site),
    );
    await Promise.all(
      list.map(async s => {
        const oee = await shiftOee(api, s.site, s.clock);
        s.shiftLabel = oee.label;
        for (const l of s.lines) {
          l.oee = oee.byLine.get(l.line);
          if (oee.problem) l.oeeProblem = oee.problem;
          else if (!l.oee) l.oeeProblem = 'no telemetry in this shift';
          l.machines.sort((a, b) => a.machine.localeCompare(b.machine));
        }
        s.lines.sort((a, b) => a.line.localeCompare(b.line));
      }),
    );
    return {
      sites: list.map(({ clock: _clock, ...s }) => s),
      catalogProblem: catalog.problem,
    };
  }, [api, catalogApi, tick]);
}
