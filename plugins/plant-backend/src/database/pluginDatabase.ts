import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** The knex bookkeeping table of the plant plugin's Backstage database. */
export const MIGRATIONS_TABLE = 'plant_knex_migrations';

// Approvals and incidents used to run these with a bookkeeping table each; a
// database they migrated already has the tables, so the first two skip them.
const createIfMissing = async (knex: Knex, table: string, build: (t: Knex.CreateTableBuilder) => void) => {
  if (!(await knex.schema.hasTable(table))) await knex.schema.createTable(table, build);
};

// In code rather than a migrations folder, so src (tests) and dist run the same list.
const migrations: Migration[] = [
  {
    name: '20261202_001_plant_approval',
    async up(knex) {
      await createIfMissing(knex, 'plant_approval', t => {
        t.string('id', 36).primary();
        t.string('task_id', 255).notNullable();
        t.string('request_key', 255).notNullable();
        t.string('status', 16).notNullable();
        t.text('title').notNullable();
        t.string('target', 512).notNullable();
        t.string('environment', 64).notNullable();
        t.string('requester', 512).notNullable();
        t.string('template_ref', 512).nullable();
        t.text('plan').notNullable();
        t.text('dry_run_output').notNullable();
        t.string('created_at', 30).notNullable();
        t.string('expires_at', 30).notNullable();
        t.string('decided_by', 512).nullable();
        t.string('decided_at', 30).nullable();
        t.text('comment').nullable();
        t.unique(['task_id', 'request_key']);
        t.index(['status', 'expires_at']);
      });
    },
    async down(knex) {
      await knex.schema.dropTable('plant_approval');
    },
  },
  {
    name: '20261202_002_plant_incident',
    async up(knex) {
      await createIfMissing(knex, 'plant_incident', t => {
        t.increments('id').primary();
        t.text('title').notNullable();
        t.string('severity', 2).notNullable();
        t.string('status', 8).notNullable();
        t.string('commander', 512).notNullable();
        t.text('entities').notNullable();
        t.string('runbook_id', 255).nullable();
        t.string('alert', 255).nullable();
        t.string('opened_at', 30).notNullable();
        t.string('opened_by', 512).notNullable();
        t.string('closed_at', 30).nullable();
        t.text('resolution').nullable();
        t.index(['status', 'opened_at']);
      });
      await createIfMissing(knex, 'plant_incident_event', t => {
        t.increments('id').primary();
        t.integer('incident_id').notNullable().references('id').inTable('plant_incident').onDelete('CASCADE');
        t.string('at', 30).notNullable();
        t.string('actor', 512).notNullable();
        t.string('type', 32).notNullable();
        t.text('text').notNullable();
        t.string('runbook_id', 255).nullable();
        t.integer('step').nullable();
        t.string('template', 255).nullable();
        t.text('task_url').nullable();
        t.string('outcome', 255).nullable();
        t.index(['incident_id', 'id']);
      });
    },
    async down(knex) {
      await knex.schema.dropTable('plant_incident_event');
      await knex.schema.dropTable('plant_incident');
    },
  },
  {
    name: '20261202_003_one_bookkeeping_table',
    async up(knex) {
      for (const old of ['plant_approval_knex_migrations', 'plant_incident_knex_migrations']) {
        await knex.schema.dropTableIfExists(`${old}_lock`);
        await knex.schema.dropTableIfExists(old);
      }
    },
    async down() {},
  },
  {
    // Scaffolder tasks launched from a runbook step, followed until they end.
    name: '20261202_004_plant_incident_task',
    async up(knex) {
      await knex.schema.createTable('plant_incident_task', t => {
        t.increments('id').primary();
        t.integer('incident_id').notNullable().references('id').inTable('plant_incident').onDelete('CASCADE');
        t.integer('launch_event_id').notNullable();
        t.string('actor', 512).notNullable();
        t.string('template', 255).notNullable();
        t.string('runbook_id', 255).nullable();
        t.integer('step').nullable();
        t.text('parameters').notNullable();
        t.string('launched_at', 30).notNullable();
        t.string('task_id', 255).nullable().unique();
        // waiting (no task yet), following, done, expired
        t.string('status', 16).notNullable();
        t.index(['status']);
      });
    },
    async down(knex) {
      await knex.schema.dropTable('plant_incident_task');
    },
  },
];

const migrationSource: Knex.MigrationSource<Migration> = {
  async getMigrations() {
    return migrations;
  },
  getMigrationName(m) {
    return m.name;
  },
  async getMigration(m) {
    return m;
  },
};

const migrated = new WeakMap<Knex, Promise<void>>();

/**
 * The plant plugin's Backstage database (approvals, incidents), migrated once
 * per client however many stores open it: knex refuses a second concurrent
 * run on a locked bookkeeping table.
 */
export async function pluginDatabase(database: DatabaseService): Promise<Knex> {
  const db = await database.getClient();
  if (!database.migrations?.skip) {
    let done = migrated.get(db);
    if (!done) {
      done = db.migrate.latest({ migrationSource, tableName: MIGRATIONS_TABLE }).then(() => undefined);
      migrated.set(db, done);
      done.catch(() => migrated.delete(db));
    }
    await done;
  }
  return db;
}
