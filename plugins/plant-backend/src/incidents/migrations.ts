import type { Knex } from 'knex';

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

// In code, like the approvals' migrations, so src (tests) and dist run the same list.
const migrations: Migration[] = [
  {
    name: '20261202_001_plant_incident',
    async up(knex) {
      await knex.schema.createTable('plant_incident', t => {
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
      await knex.schema.createTable('plant_incident_event', t => {
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
];

export const migrationSource: Knex.MigrationSource<Migration> = {
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
