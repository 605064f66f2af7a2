import type { Knex } from 'knex';

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

// In code rather than a migrations folder, so the same list runs from src in
// tests and from dist in production.
const migrations: Migration[] = [
  {
    name: '20261202_001_plant_approval',
    async up(knex) {
      await knex.schema.createTable('plant_approval', t => {
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
