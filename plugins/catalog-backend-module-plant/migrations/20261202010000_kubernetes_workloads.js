// @ts-check

/**
 * Workloads the Kubernetes discovery provider found, per cluster. A cluster
 * that cannot be reached keeps its last rows, so its components stay in the
 * catalog until it answers again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('plant_kubernetes_workloads', table => {
    table.comment('Opted-in Deployments, StatefulSets and DaemonSets found by Kubernetes discovery');
    table.string('cluster').notNullable();
    table.string('namespace').notNullable();
    table.string('kind').notNullable().comment('Deployment, StatefulSet or DaemonSet');
    table.string('name').notNullable();
    table.string('component').notNullable().comment('backstage.io/kubernetes-id of the workload, else its name');
    table.text('image').notNullable().comment('Image of the first container');
    table.string('version').nullable();
    table.text('details').notNullable().comment('JSON: owner, system, site, lifecycle, description');
    table.timestamp('discovered_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['cluster', 'namespace', 'kind', 'name']);
    table.index(['component'], 'plant_kubernetes_workloads_component_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('plant_kubernetes_workloads');
};
