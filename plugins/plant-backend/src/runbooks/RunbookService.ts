import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  Runbook,
  RunbookProblem,
  RunbookSet,
  referenceIndexOf,
  runbookAppliesTo,
  runbookProblem,
  validateRunbooks,
} from '@plantops/backstage-plugin-plant-common';
import { readAlertNames, readRunbookFiles, RunbookLocation } from './sources';

export interface RunbookServiceOptions {
  locations: RunbookLocation[];
  alertRuleFiles: string[];
  urlReader: UrlReaderService;
  /** Every catalog entity (kind, namespace, name and spec.type are enough). */
  loadEntities: () => Promise<Entity[]>;
  logger: LoggerService;
  /** How long a loaded set is served before it is read again. */
  refreshMs?: number;
  now?: () => Date;
}

/**
 * The runbooks of the configured locations, checked against the catalog and
 * the alert rules, re-read at most every `refreshMs`. Each problem is logged
 * once, when it first appears.
 */
export class RunbookService {
  private current?: { at: number; set: RunbookSet; entities: Map<string, Entity> };
  private loading?: Promise<RunbookSet>;
  private logged = new Set<string>();

  constructor(private readonly options: RunbookServiceOptions) {}

  static fromConfig(config: Config, deps: Omit<RunbookServiceOptions, 'locations' | 'alertRuleFiles' | 'refreshMs'>) {
    const c = config.getOptionalConfig('plant.runbooks');
    const locations = (c?.getOptionalConfigArray('locations') ?? []).map((l, i) => {
      const type = l.getString('type');
      if (type !== 'dir' && type !== 'url') {
        throw new Error(`plant.runbooks.locations[${i}].type: "${type}" is not a location type. Use "dir" (a folder) or "url"`);
      }
      return { type, target: l.getString('target') } as RunbookLocation;
    });
    return new RunbookService({
      ...deps,
      locations,
      alertRuleFiles: c?.getOptionalStringArray('alertRuleFiles') ?? [],
      refreshMs: (c?.getOptionalNumber('refreshSeconds') ?? 60) * 1000,
    });
  }

  /** The current set; reads it again when it is older than `refreshMs`. */
  async get(): Promise<RunbookSet> {
    const now = Date.now();
    if (this.current && now - this.current.at < (this.options.refreshMs ?? 60_000)) return this.current.set;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  async list(filter: { alert?: string; entity?: Entity } = {}): Promise<Runbook[]> {
    const { runbooks } = await this.get();
    return runbooks.filter(
      r => (!filter.alert || r.alerts.includes(filter.alert)) && (!filter.entity || runbookAppliesTo(r, filter.entity)),
    );
  }

  /**
   * The runbook page for a firing alert, opened for the first of its
   * entities a runbook applies to. The most specific runbook wins: the one
   * answering the fewest alerts, then one scoped by type or by ref, then the
   * most severe; with none applying, any runbook answering the alert.
   */
  async linkFor(alertName: string, entityRefs: string[] = []): Promise<string | null> {
    const rank = (r: Runbook) => [r.alerts.length, r.appliesTo.types?.length || r.appliesTo.entities?.length ? 0 : 1, Number(r.severity.slice(1))];
    const byRank = (a: Runbook, b: Runbook) => {
      const [x, y] = [rank(a), rank(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    };
    const answering = (await this.list({ alert: alertName })).sort(byRank);
    if (!answering.length) return null;
    const href = (id: string, entity?: string) =>
      `/runbooks/${encodeURIComponent(id)}?${new URLSearchParams({ ...(entity ? { entity } : {}), alert: alertName })}`;
    for (const ref of entityRefs) {
      const entity = this.current?.entities.get(ref.toLocaleLowerCase('en-US'));
      const applies = entity && answering.find(r => runbookAppliesTo(r, entity));
      if (applies) return href(applies.id, ref);
    }
    return href(answering[0].id, entityRefs[0]);
  }

  private async load(): Promise<RunbookSet> {
    const { files, errors } = await readRunbookFiles(this.options.locations, this.options.urlReader);
    const problems: RunbookProblem[] = errors.map(e =>
      runbookProblem(e.source, 'location', e.message, 'fix plant.runbooks.locations or the location it points at'),
    );
    let alerts = new Set<string>();
    try {
      alerts = await readAlertNames(this.options.alertRuleFiles);
    } catch (e) {
      problems.push(
        runbookProblem('plant.runbooks.alertRuleFiles', 'alertRuleFiles', `cannot read the alert rules: ${(e as Error).message}`, 'point plant.runbooks.alertRuleFiles at Prometheus rule files'),
      );
    }
    const entities = await this.options.loadEntities();
    const set = validateRunbooks(files, referenceIndexOf(entities, alerts), { today: this.options.now?.() });
    set.problems.unshift(...problems);
    for (const p of set.problems) {
      if (!this.logged.has(p.message)) this.options.logger.warn(`Runbook rejected: ${p.message}`);
    }
    this.logged = new Set(set.problems.map(p => p.message));
    this.current = {
      at: Date.now(),
      set,
      entities: new Map(entities.map(e => [stringifyEntityRef(e).toLocaleLowerCase('en-US'), e])),
    };
    return set;
  }
}
