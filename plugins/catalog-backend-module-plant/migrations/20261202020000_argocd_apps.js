// @ts-check

/**
 * Sync and health of the ArgoCD applications, per instance, as the last
 * successful poll saw them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('plant_argocd_apps', table => {
    table.comment('ArgoCD applications and their status, for the ArgoCD processor');
    table.string('instance').notNullable();
    table.string('name').notNullable();
    table.string('sync_status').notNullable();
    table.string('health_status').notNullable();
    table.string('revision').nullable();
    table.timestamp('fetched_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['instance', 'name']);
    table.index(['name'], 'plant_argocd_apps_name_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('plant_argocd_apps');
};
