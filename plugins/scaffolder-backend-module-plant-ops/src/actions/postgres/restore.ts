import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { Redactor } from '../../lib/redact';
import { examples } from './restore.examples';
import { type BackupStore, sha256File, withStore } from './backupStore';
import { clientConfig, quoteIdent, resolveInstance, withClient } from './instances';
import { compareCounts, countRows, dropDatabase, listTables, pgRestore, serverIdentity } from './pgTools';
import { dryRunField } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export interface RestoreActionOptions extends PlantOpsDeps {
  store?: BackupStore;
}

const DB_NAME = /^[a-z_][a-z0-9_-]{0,39}$/i;

/**
 * plant:postgres:restore: checks the backup's sha256, restores it into a
 * staging database, checks its row counts against the backup's, and only then
 * swaps it in under the target's name. A replaced target is kept, renamed, so
 * nothing is lost and a failure leaves the target as it was.
 */
export function createPostgresRestoreAction(options: RestoreActionOptions) {
  const { config, auditor, catalog } = options;
  const binDir = config.getOptionalString('plant.postgres.backup.binDir');
  return createTemplateAction({
    id: 'plant:postgres:restore',
    description:
      'Restores a verified backup (checksum checked first) into a named database. Refuses a non-empty target unless replaceExisting is true and confirmTargetName repeats the target name; refuses the backup\'s own source unless restoreIntoSource is also true.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        dryRun: dryRunField,
        backupId: z => z.string().describe('Backup id from plant:postgres:backup'),
        target: z => z.string().describe('Catalog Resource (type database) of the server to restore to'),
        targetDatabase: z =>
          z.string().optional().describe("Database name on that server; default the Resource's configured database"),
        replaceExisting: z =>
          z.boolean().optional().describe('Allow replacing a target database that has tables (the old one is kept under a new name)'),
        confirmTargetName: z =>
          z.string().optional().describe('Must repeat the target database name when replacing a non-empty one'),
        restoreIntoSource: z =>
          z.boolean().optional().describe('Allow restoring over the very database the backup was taken from'),
      },
      output: {
        restoredDatabase: z => z.string().describe('Name of the database that now holds the backup'),
        previousDatabaseKeptAs: z =>
          z.string().optional().describe('Name the replaced database was renamed to (drop it when no longer needed)'),
        tables: z => z.number().describe('Tables restored'),
        rows: z => z.number().describe('Rows restored, all tables, equal to the backup'),
        plan: z => z.array(z.string()).describe('Steps taken, or in a dry run the steps it would take'),
      },
    },
    async handler(ctx) {
      await withStore(config, options.store, async store => {
        const { backupId } = ctx.input;
        const manifest = await store.find(backupId);
        if (!manifest) {
          throw fieldError('backupId', `no backup "${backupId}" in ${store.describe()}`, 'Use the backupId output of plant:postgres:backup');
        }
        const op = await startOperation(ctx, auditor, async credentials => {
          const instance = await resolveInstance({ catalog, config }, credentials, 'target', ctx.input.target);
          const targetDb = ctx.input.targetDatabase ?? instance.database;
          if (!DB_NAME.test(targetDb)) {
            throw fieldError('targetDatabase', `"${targetDb}" is not a plain database name`, 'Use letters, digits, _ and - (at most 40 characters)');
          }
          return { id: `${instance.ref}/${targetDb}`, instance, targetDb };
        });
        const { instance, targetDb } = op.target;
        const { dryRun } = op;
        const redactor = new Redactor();
        redactor.add(instance.password);
        const scrub = (t: string) => redactor.text(t);
        // A maintenance connection that is not the database we may rename.
        const adminDb = targetDb === instance.database ? 'postgres' : instance.database;

        await op.run('plant:postgres:restore', { backupId }, async (): Promise<JsonObject> => {
          try {
            const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'plantops-restore-'));
            try {
              const file = path.join(dir, `${backupId}.dump`);
              await store.fetch(backupId, file, ctx.signal);
              const sum = await sha256File(file);
              if (sum !== manifest.sha256) {
                throw new Error(`backup ${backupId} is corrupt: sha256 ${sum} does not match the recorded ${manifest.sha256}; nothing was changed`);
              }
              ctx.logger.info(`Checksum of ${backupId} verified (sha256 ${sum})`);

              const state = await withClient(clientConfig(instance, adminDb), async c => {
                const id = await serverIdentity(c);
                const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [targetDb]);
                return { ...id, exists: Boolean(rowCount) };
              });
              const userTables = state.exists
                ? await withClient(clientConfig(instance, targetDb), c => listTables(c))
                : [];
              const isSource = state.systemIdentifier === manifest.source.systemIdentifier && targetDb === manifest.source.database;
              if (isSource && !ctx.input.restoreIntoSource) {
                throw fieldError(
                  'restoreIntoSource',
                  `${targetDb} on ${instance.name} is the database backup ${backupId} was taken from`,
                  'Pick another target database, or set restoreIntoSource: true (with replaceExisting and confirmTargetName) to roll the source back',
                );
              }
              if (userTables.length > 0) {
                if (!ctx.input.replaceExisting) {
                  throw fieldError(
                    'replaceExisting',
                    `target ${targetDb} on ${instance.name} is not empty (${userTables.length} tables)`,
                    'Pick an empty or new targetDatabase, or set replaceExisting: true and confirmTargetName to the target name',
                  );
                }
                if (ctx.input.confirmTargetName !== targetDb) {
                  throw fieldError('confirmTargetName', `must repeat the target database name "${targetDb}" to replace it`, `Type ${targetDb}`);
                }
              }
              const suffix = randomBytes(3).toString('hex');
              const staging = `${targetDb}_restore_${suffix}`;
              const keptAs = userTables.length > 0 || state.exists ? `${targetDb}_pre_restore_${suffix}` : undefined;
              const plan = [
                `checksum of ${backupId} verified`,
                `restore into staging database ${staging} on ${instance.name} and compare row counts with the backup (${Object.keys(manifest.tables).length} tables)`,
                keptAs ? `rename ${targetDb} to ${keptAs} (kept), then ${staging} to ${targetDb}` : `rename ${staging} to ${targetDb}`,
              ];
              if (dryRun) {
                for (const p of plan) ctx.logger.info(`[dry run] ${p}`);
                ctx.output('plan', plan);
                ctx.output('restoredDatabase', targetDb);
                ctx.output('tables', Object.keys(manifest.tables).length);
                ctx.output('rows', Object.values(manifest.tables).reduce((a, b) => a + b, 0));
                return { plan };
              }

              const result = await ctx.checkpoint({
                key: `postgres-restore:${backupId}:${instance.name}:${targetDb}`,
                fn: async () =>
                  withClient(clientConfig(instance, adminDb), async admin => {
                    await admin.query(`CREATE DATABASE ${quoteIdent(staging)}`);
                    let swapped = false;
                    try {
                      await pgRestore(binDir, instance, staging, file, ctx.signal, scrub);
                      const actual = await withClient(clientConfig(instance, staging), c =>
                        listTables(c).then(t => countRows(c, t, ctx.signal)),
                      );
                      const diffs = compareCounts(manifest.tables, actual);
                      if (diffs.length) throw new Error(`restored data differs from the backup: ${diffs.join('; ')}`);
                      ctx.signal?.throwIfAborted();
                      if (keptAs) {
                        await admin.query(
                          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
                          [targetDb],
                        );
                        await admin.query(`ALTER DATABASE ${quoteIdent(targetDb)} RENAME TO ${quoteIdent(keptAs)}`);
                      }
                      try {
                        await admin.query(`ALTER DATABASE ${quoteIdent(staging)} RENAME TO ${quoteIdent(targetDb)}`);
                      } catch (e) {
                        if (keptAs) await admin.query(`ALTER DATABASE ${quoteIdent(keptAs)} RENAME TO ${quoteIdent(targetDb)}`);
                        throw e;
                      }
                      swapped = true;
                      ctx.logger.info(`Restored ${backupId} into ${targetDb}${keptAs ? `; the previous database is kept as ${keptAs}` : ''}`);
                      return { tables: Object.keys(actual).length, rows: Object.values(actual).reduce((a, b) => a + b, 0) };
                    } finally {
                      if (!swapped) await dropDatabase(admin, staging);
                    }
                  }),
              });
              ctx.output('restoredDatabase', targetDb);
              if (keptAs) ctx.output('previousDatabaseKeptAs', keptAs);
              ctx.output('tables', result.tables);
              ctx.output('rows', result.rows);
              ctx.output('plan', plan);
              return { restoredDatabase: targetDb, previousDatabaseKeptAs: keptAs ?? null, rows: result.rows };
            } finally {
              await fs.rm(dir, { recursive: true, force: true });
            }
          } catch (e) {
            throw redactor.error(e);
          }
        });
      });
    },
  });
}
