import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { Incident, IncidentEvent, IncidentEventType, RunbookSeverity } from '@plantops/backstage-plugin-plant-common';
import { migrationSource } from './migrations';

export interface NewIncident {
  title: string;
  severity: RunbookSeverity;
  commander: string;
  entities: string[];
  runbookId?: string;
  alert?: string;
}

export type NewIncidentEvent = Omit<IncidentEvent, 'id' | 'at' | 'actor'>;

const compact = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;

/**
 * Incidents and their timelines in the plant plugin's Backstage database
 * (PostgreSQL in production, SQLite in the embedded default). Times are ISO
 * 8601 UTC text; a closed incident takes no more events.
 */
export class IncidentStore {
  static async create(database: DatabaseService, now: () => Date = () => new Date()): Promise<IncidentStore> {
    const db = await database.getClient();
    if (!database.migrations?.skip) {
      await db.migrate.latest({ migrationSource, tableName: 'plant_incident_knex_migrations' });
    }
    return new IncidentStore(db, now);
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
    await this.insertEvent(Number(id), event, actor);
    return this.get(id);
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

  private async insertEvent(incidentId: number, e: NewIncidentEvent, actor: string) {
    await this.db('plant_incident_event').insert({
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
    });
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
