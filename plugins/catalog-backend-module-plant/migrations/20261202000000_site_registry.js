// @ts-check

/**
 * The site registry: one row per Site with its ProductionLines. A
 * decommissioned site keeps its row (decommissioned_at set), so the registry
 * remembers what was there and a config seed never brings it back.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('plant_site_registry', table => {
    table.comment('Sites (with their lines) that the site registry provider puts in the catalog');
    table.string('name').primary().notNullable().comment('Site entity name');
    table.text('site').notNullable().comment('Site entity as JSON');
    table.text('lines').notNullable().comment('ProductionLine entities as a JSON array');
    table.string('source').notNullable().comment('config (seed) or api');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('decommissioned_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('plant_site_registry');
};
