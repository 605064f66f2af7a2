import type { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  deriveStatus,
  HealthReason,
  HealthStatus,
  worstStatus,
} from '@plantops/backstage-plugin-plant-common';
import type { HealthResult, HealthStore } from './HealthStore';
import { mapLimit } from '@plantops/backstage-plugin-plant-node';
import { runProbe } from './probes/runProbe';
import { isHealthNotMonitored, isNotMonitored, notMonitored, Probe } from './probes/types';

/** What a probe reads, for the message of an entity that has none of them. */
const PROBE_ANNOTATIONS =
  'plantops.io/health-url, plantops.io/prometheus-job, backstage.io/kubernetes-id, plantops.io/postgres, plantops.io/kafka-consumer-group or OPC UA connector';

const unmonitoredReason = (why: string): HealthReason => ({ probe: 'none', ...notMonitored(why) });

/**
 * An entity's own status from its probes: the worst of those that ran
 * against a target; unknown (not monitored) when none could.
 */
function ownStatus(reasons: HealthReason[]): HealthStatus {
  const monitored = reasons.filter(r => !isNotMonitored(r));
  if (monitored.length === 0) return 'unknown';
  return worstStatus(monitored.map(r => r.status));
}

/** Kinds whose status comes from their parts, in the order they are derived (a System may hold Sites). */
const DERIVED: { kind: string; relations: string[] }[] = [
  { kind: 'productionline', relations: ['dependsOn'] },
  { kind: 'site', relations: ['hasPart', 'dependsOn'] },
  { kind: 'system', relations: ['hasPart'] },
];

export interface SweepOptions {
  /** Runs of one probe kind at once (a probe may set its own); default 32. */
  concurrency?: number;
  /** Per probe; default 5000 ms. */
  timeoutMs?: number;
  /** Changes are kept this long; default 7 days. */
  historyMs?: number;
}

export interface SweepReport {
  entities: number;
  probes: number;
  /** Duration of every probe run, ms. */
  probeMs: number[];
  changed: (HealthResult & { previous: HealthStatus | null })[];
  wallMs: number;
}

/**
 * One health sweep: runs every probe that applies to each entity (bounded
 * concurrency, a timeout each), derives ProductionLines, Sites and Systems
 * from their parts, stores the results and reports what changed.
 */
export class HealthSweeper {
  constructor(
    private readonly deps: {
      probes: Probe[];
      store: HealthStore;
      loadEntities: () => Promise<Entity[]>;
      logger: LoggerService;
      /** Told about every status change, after it is stored. */
      onChanged?: (changed: SweepReport['changed'], entities: Map<string, Entity>) => Promise<void> | void;
    },
    private readonly options: SweepOptions = {},
  ) {}

  async sweep(now = () => new Date()): Promise<SweepReport> {
    const started = performance.now();
    const entities = await this.deps.loadEntities();
    const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
    const jobs: { ref: string; entity: Entity; probe: Probe }[] = [];
    for (const [ref, entity] of byRef) {
      for (const probe of this.deps.probes) {
        if (probe.appliesTo(entity)) jobs.push({ ref, entity, probe });
      }
    }
    const timeoutMs = this.options.timeoutMs ?? 5000;
    // Each probe kind has its own limit, so slow OPC UA sessions do not hold up cheap HTTP checks.
    const ran = new Array<Awaited<ReturnType<typeof runProbe>>>(jobs.length);
    await Promise.all(
      this.deps.probes.map(async probe => {
        const mine = jobs.map((j, i) => ({ ...j, i })).filter(j => j.probe === probe);
        const results = await mapLimit(mine, probe.concurrency ?? this.options.concurrency ?? 32, j =>
          runProbe(j.probe, j.entity, timeoutMs),
        );
        results.forEach((r, k) => (ran[mine[k].i] = r));
      }),
    );

    const own = new Map<string, HealthReason[]>();
    ran.forEach((r, i) => {
      const { ref, probe } = jobs[i];
      const reasons = own.get(ref) ?? [];
      reasons.push({ probe: probe.name, status: r.status, message: r.message, details: r.details });
      own.set(ref, reasons);
    });
    const results = new Map<string, HealthResult>();
    for (const [ref, reasons] of own) {
      results.set(ref, { entityRef: ref, status: ownStatus(reasons), reasons, derived: false });
    }
    // Entities no probe applies to say so, rather than having no health at all.
    for (const [ref, entity] of byRef) {
      if (results.has(ref) || DERIVED.some(d => d.kind === entity.kind.toLocaleLowerCase('en-US'))) continue;
      results.set(ref, {
        entityRef: ref,
        status: 'unknown',
        reasons: [unmonitoredReason(`no ${PROBE_ANNOTATIONS}`)],
        derived: false,
      });
    }
    const at = now();
    for (const { kind, relations } of DERIVED) {
      for (const [ref, entity] of byRef) {
        if (entity.kind.toLocaleLowerCase('en-US') !== kind) continue;
        const targets = [
          ...new Set((entity.relations ?? []).filter(r => relations.includes(r.type)).map(r => r.targetRef)),
        ].filter(p => p !== ref && results.has(p));
        // Parts not monitored here have no say in the whole's status.
        const parts = targets
          .filter(p => !isHealthNotMonitored(results.get(p)!))
          .map(p => ({ entityRef: p, status: results.get(p)!.status }));
        const mine = own.get(ref) ?? [];
        const mineMonitored = mine.filter(r => !isNotMonitored(r));
        if (parts.length === 0 && mineMonitored.length === 0) {
          if (mine.length === 0 && targets.length === 0) continue;
          const why = targets.length > 0 ? [unmonitoredReason(`none of its ${targets.length} part(s) is monitored here`)] : [];
          results.set(ref, { entityRef: ref, status: 'unknown', reasons: [...mine, ...why], derived: targets.length > 0 });
          continue;
        }
        const fromParts = parts.length > 0 ? deriveStatus(parts) : undefined;
        const statuses = [...mineMonitored.map(r => r.status), ...(fromParts ? [fromParts.status] : [])];
        results.set(ref, {
          entityRef: ref,
          status: worstStatus(statuses),
          reasons: [...mine, ...(fromParts?.reasons ?? [])],
          derived: parts.length > 0,
        });
      }
    }
    const all = [...results.values()];
    const changed = await this.deps.store.record(all, at);
    await this.deps.store.forgetExcept(all.map(r => r.entityRef));
    await this.deps.store.prune(new Date(at.getTime() - (this.options.historyMs ?? 7 * 86_400_000)));
    if (changed.length > 0) {
      this.deps.logger.info(
        `Health: ${changed.length} change(s): ${changed.slice(0, 5).map(c => `${c.entityRef} ${c.previous ?? 'new'} -> ${c.status}`).join(', ')}${changed.length > 5 ? ' ...' : ''}`,
      );
      try {
        await this.deps.onChanged?.(changed, byRef);
      } catch (e: any) {
        this.deps.logger.warn(`Health: telling about changes failed: ${e.message}`);
      }
    }
    return {
      entities: results.size,
      probes: jobs.length,
      probeMs: ran.map(r => r.ms),
      changed,
      wallMs: performance.now() - started,
    };
  }
}
