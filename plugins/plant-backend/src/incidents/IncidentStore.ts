import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { Incident, IncidentEvent, IncidentEventType, RunbookSeverity } from '@plantops/backstage-plugin-plant-common';
import { pluginDatabase } from '../database/pluginDatabase';

export interface NewIncident {
  title: string;
  severity: RunbookSeverity;
  commander: string;
  entities: string[];
  runbookId?: string;
  alert?: string;
}

export type NewIncidentEvent = Omit<IncidentEvent, 'id' | 'at' | 'actor'> & {
  /** For a template launch: the form values it opened with (to find its task). */
  parameters?: Record<string, unknown>;
};

/** A scaffolder task launched from a runbook step, followed until it ends. */
export interface FollowedTask {
  id: number;
  incidentId: string;
  launchEventId: number;
  actor: string;
  template: string;
  runbookId?: string;
  step?: number;
  parameters: Record<string, unknown>;
  launchedAt: string;
  taskId?: string;
  status: 'waiting' | 'following' | 'done' | 'expired';
}

/** What a template launch is recorded with: the follower looks for its task. */
export const LAUNCHED = 'launched';

const compact = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;

/**
 * Incidents and their timelines in the plant plugin's Backstage database
 * (PostgreSQL in production, SQLite in the embedded default). Times are ISO
 * 8601 UTC text; a closed incident takes no more events.
 */
export class IncidentStore {
  static async create(database: DatabaseService, now: () => Date = () => new Date()): Promise<IncidentStore> {
    return new IncidentStore(await pluginDatabase(database), now);
  }

  constructor(private readonly db: Knex, private readonly now: () => Date = () => new Date()) {}

  async open(input: NewIncident, actor: string): Promise<Incident> {
    const at = this.now().toISOString();
    const id = await this.db.transaction(async tx => {
      const [row] = await tx('plant_incident')
        .insert({
          title: input.title,
          severity: input.severity,
          status: 'open',
          commander: input.commander,
          entities: JSON.stringify(input.entities),
          runbook_id: input.runbookId ?? null,
          alert: input.alert ?? null,
          opened_at: at,
          opened_by: actor,
        })
        .returning('id');
      const incidentId = typeof row === 'object' ? row.id : row;
      const what = [`${input.severity} incident opened`, input.alert && `from alert ${input.alert}`, input.runbookId && `with runbook ${input.runbookId}`, `commander ${input.commander}`];
      await tx('plant_incident_event').insert({
        incident_id: incidentId,
        at,
        actor,
        type: 'opened',
        text: what.filter(Boolean).join(', '),
        runbook_id: input.runbookId ?? null,
      });
      return incidentId as number;
    });
    return this.get(String(id));
  }

  async list(filter: { status?: 'open' | 'closed' } = {}): Promise<Incident[]> {
    const q = this.db('plant_incident').orderBy('id', 'desc').limit(200);
    if (filter.status) q.where({ status: filter.status });
    const rows = await q;
    return rows.map(r => this.fromRow(r, []));
  }

  async get(id: string): Promise<Incident> {
    const n = Number(id);
    const row = Number.isInteger(n) ? await this.db('plant_incident').where({ id: n }).first() : undefined;
    if (!row) throw new NotFoundError(`no incident ${id}`);
    const events = await this.db('plant_incident_event').where({ incident_id: n }).orderBy('id');
    return this.fromRow(row, events);
  }

  async record(id: string, event: NewIncidentEvent, actor: string): Promise<Incident> {
    const incident = await this.get(id);
    if (incident.status === 'closed') throw new ConflictError(`incident ${id} is closed; open a new incident to record more`);
    await this.db.transaction(async tx => {
      const eventId = await this.insertEvent(Number(id), event, actor, tx);
      if (event.type === 'template-task' && event.outcome === LAUNCHED && event.template) {
        await tx('plant_incident_task').insert({
          incident_id: Number(id),
          launch_event_id: eventId,
          actor,
          template: event.template,
          runbook_id: event.runbookId ?? null,
          step: event.step ?? null,
          parameters: JSON.stringify(event.parameters ?? {}),
          launched_at: this.now().toISOString(),
          task_id: null,
          status: 'waiting',
        });
      }
    });
    return this.get(id);
  }

  /** Launches whose task is not found yet or not over, oldest first. */
  async pendingTasks(): Promise<FollowedTask[]> {
    const rows = await this.db('plant_incident_task').whereIn('status', ['waiting', 'following']).orderBy('id');
    return rows.map(r => ({
      id: Number(r.id),
      incidentId: String(r.incident_id),
      launchEventId: Number(r.launch_event_id),
      actor: r.actor,
      template: r.template,
      runbookId: r.runbook_id ?? undefined,
      step: r.step === null ? undefined : Number(r.step),
      parameters: JSON.parse(r.parameters),
      launchedAt: r.launched_at,
      taskId: r.task_id ?? undefined,
      status: r.status,
    }));
  }

  /** Task ids already tied to a launch. */
  async claimedTaskIds(taskIds: string[]): Promise<Set<string>> {
    if (!taskIds.length) return new Set();
    const rows = await this.db('plant_incident_task').whereIn('task_id', taskIds).select('task_id');
    return new Set(rows.map(r => r.task_id));
  }

  /**
   * Ties a launch to its scaffolder task and records it on the timeline; false
   * when another launch has that task already.
   */
  async taskFound(follow: FollowedTask, taskId: string, event: NewIncidentEvent): Promise<boolean> {
    try {
      return await this.db.transaction(async tx => {
        const n = await tx('plant_incident_task').where({ id: follow.id, status: 'waiting' }).update({ task_id: taskId, status: 'following' });
        if (!n) return false;
        await this.insertEvent(Number(follow.incidentId), event, follow.actor, tx);
        return true;
      });
    } catch (e) {
      if (/unique|duplicate/i.test(String((e as Error).message))) return false;
      throw e;
    }
  }

  /**
   * Ends a follow with its outcome on the timeline. It is recorded on a closed
   * incident too: the task was launched while it was open.
   */
  async taskEnded(follow: FollowedTask, status: 'done' | 'expired', event: NewIncidentEvent): Promise<void> {
    await this.db.transaction(async tx => {
      const n = await tx('plant_incident_task').where({ id: follow.id }).whereIn('status', ['waiting', 'following']).update({ status });
      if (n) await this.insertEvent(Number(follow.incidentId), event, follow.actor, tx);
    });
  }

  async close(id: string, resolution: string, actor: string): Promise<Incident> {
    const at = this.now().toISOString();
    await this.db.transaction(async tx => {
      const updated = await tx('plant_incident')
        .where({ id: Number(id), status: 'open' })
        .update({ status: 'closed', closed_at: at, resolution });
      if (!updated) {
        const exists = await tx('plant_incident').where({ id: Number(id) }).first();
        throw exists ? new ConflictError(`incident ${id} is already closed`) : new NotFoundError(`no incident ${id}`);
      }
      await tx('plant_incident_event').insert({ incident_id: Number(id), at, actor, type: 'closed', text: `Closed: ${resolution}` });
    });
    return this.get(id);
  }

  /**
   * Retention: closes open incidents idle for `autoCloseDays` (a timeline
   * entry says so) and deletes closed ones older than `retentionDays`.
   */
  async sweep(opts: { autoCloseDays: number; retentionDays: number }): Promise<{ closed: string[]; deleted: number }> {
    const now = this.now().getTime();
    const idleSince = new Date(now - opts.autoCloseDays * 86_400_000).toISOString();
    const stale = await this.db('plant_incident as i')
      .where('i.status', 'open')
      .whereNotExists(q => q.select('*').from('plant_incident_event as e').whereRaw('e.incident_id = i.id').andWhere('e.at', '>', idleSince))
      .select('i.id');
    const resolution = `Closed automatically after ${opts.autoCloseDays} days without a timeline entry`;
    const closed: string[] = [];
    for (const { id } of stale) {
      try {
        await this.close(String(id), resolution, 'system');
        closed.push(String(id));
      } catch {
        // closed by someone meanwhile
      }
    }
    const before = new Date(now - opts.retentionDays * 86_400_000).toISOString();
    const old = this.db('plant_incident').where('status', 'closed').andWhere('closed_at', '<', before).select('id');
    // Children first: SQLite does not enforce ON DELETE CASCADE unless told to.
    await this.db('plant_incident_task').whereIn('incident_id', old.clone()).delete();
    await this.db('plant_incident_event').whereIn('incident_id', old.clone()).delete();
    const deleted = await this.db('plant_incident').whereIn('id', old.clone()).delete();
    return { closed, deleted };
  }

  private async insertEvent(incidentId: number, e: NewIncidentEvent, actor: string, tx: Knex = this.db): Promise<number> {
    const [row] = await tx('plant_incident_event').insert({
      incident_id: incidentId,
      at: this.now().toISOString(),
      actor,
      type: e.type,
      text: e.text,
      runbook_id: e.runbookId ?? null,
      step: e.step ?? null,
      template: e.template ?? null,
      task_url: e.taskUrl ?? null,
      outcome: e.outcome ?? null,
    }).returning('id');
    return Number(typeof row === 'object' ? row.id : row);
  }

  private fromRow(r: any, events: any[]): Incident {
    return compact({
      id: String(r.id),
      title: r.title,
      severity: r.severity,
      status: r.status,
      commander: r.commander,
      entities: JSON.parse(r.entities),
      runbookId: r.runbook_id,
      alert: r.alert,
      openedAt: r.opened_at,
      openedBy: r.opened_by,
      closedAt: r.closed_at,
      resolution: r.resolution,
      timeline: events.map(e =>
        compact({
          id: Number(e.id),
          at: e.at,
          actor: e.actor,
          type: e.type as IncidentEventType,
          text: e.text,
          runbookId: e.runbook_id,
          step: e.step === null ? undefined : Number(e.step),
          template: e.template,
          taskUrl: e.task_url,
          outcome: e.outcome,
        }),
      ),
    }) as Incident;
  }
}
