// @ts-check

/**
 * What the last Kubernetes discovery run covered, so processors on any
 * replica can tell when the catalog has moved past it: a cluster Resource the
 * run did not see, or a Component now claiming workloads the run emitted as
 * a Component of their own.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('plant_kubernetes_discovery_clusters', table => {
    table.comment('Clusters of the last Kubernetes discovery run');
    table.string('cluster').primary();
    table.boolean('in_catalog').notNullable().comment('its kubernetes-cluster Resource was in the catalog then');
    table.text('error').nullable().comment('why listing it failed, if it did');
    table.timestamp('run_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.alterTable('plant_kubernetes_workloads', table => {
    table.boolean('emitted').notNullable().defaultTo(false).comment('the last run emitted a Component of its own for it (no other entity claimed it)');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('plant_kubernetes_workloads', table => {
    table.dropColumn('emitted');
  });
  await knex.schema.dropTable('plant_kubernetes_discovery_clusters');
};
