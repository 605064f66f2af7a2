import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { PlantOpsDeps } from '../../deps';
import { Redactor } from '../../lib/redact';
import { examples } from './backup.examples';
import { type BackupManifest, type BackupStore, expiredBackups, retentionFromConfig, sha256File, withStore } from './backupStore';
import { clientConfig, resolveInstance, withClient, type PgInstance } from './instances';
import { compareCounts, countRows, dropDatabase, listArchive, listTables, pgDump, pgRestore, serverIdentity } from './pgTools';
import { quoteIdent } from './instances';
import { dryRunField } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export interface BackupActionOptions extends PlantOpsDeps {
  /** Overrides plant.postgres.backup.target (tests). */
  store?: BackupStore;
}

/**
 * plant:postgres:backup: pg_dump -Fc inside an exported snapshot, verified by
 * pg_restore --list and a restore into a scratch database whose row counts
 * must equal the snapshot's, stored with its sha256 under the retention policy.
 */
export function createPostgresBackupAction(options: BackupActionOptions) {
  const { config, auditor, catalog } = options;
  const binDir = config.getOptionalString('plant.postgres.backup.binDir');
  return createTemplateAction({
    id: 'plant:postgres:backup',
    description:
      'Backs up a PostgreSQL database with pg_dump (custom format), verifies it by restoring it into a scratch database and comparing row counts, and stores it with a sha256 checksum under the retention policy.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        dryRun: dryRunField,
        database: z =>
          z.string().describe('Catalog Resource of type database to back up, e.g. resource:default/ms5-postgres-primary'),
        keep: z =>
          z.number().int().min(1).optional().describe('Retention: keep at most this many backups of this database (default from config, 7)'),
        maxAgeDays: z =>
          z.number().positive().optional().describe('Retention: delete backups older than this many days (default from config, 30)'),
      },
      output: {
        backupId: z => z.string().describe('Id of the stored backup, the input of plant:postgres:restore'),
        location: z => z.string().describe('Where the backup is stored'),
        sha256: z => z.string().describe('sha256 of the dump file'),
        sizeBytes: z => z.number().describe('Size of the dump file'),
        tables: z => z.number().describe('Tables in the backup'),
        rows: z => z.number().describe('Rows in the backup, all tables'),
        verified: z => z.boolean().describe('True when the scratch restore matched the source row counts table by table'),
        deletedBackups: z => z.array(z.string()).describe('Backups removed by the retention policy (in a dry run: those it would remove)'),
        plan: z => z.array(z.string()).describe('The steps taken, or in a dry run the steps it would take'),
      },
    },
    async handler(ctx) {
      await withStore(config, options.store, async store => {
        const policy = { ...retentionFromConfig(config) };
        if (ctx.input.keep !== undefined) policy.keep = ctx.input.keep;
        if (ctx.input.maxAgeDays !== undefined) policy.maxAgeDays = ctx.input.maxAgeDays;
        const op = await startOperation(ctx, auditor, async credentials => {
          const instance = await resolveInstance({ catalog, config }, credentials, 'database', ctx.input.database);
          return { id: instance.ref, instance };
        });
        const { instance } = op.target;
        const { dryRun } = op;
        const redactor = new Redactor();
        redactor.add(instance.password);
        const scrub = (t: string) => redactor.text(t);

        await op.run('plant:postgres:backup', {}, async (): Promise<JsonObject> => {
          try {
            const identity = await withClient(clientConfig(instance), async c => ({
              ...(await serverIdentity(c)),
              tables: await listTables(c),
            }));
            const existing = await store.list(instance.name, instance.database);
            const plan = [
              `pg_dump -Fc ${instance.database} on ${instance.name} (${identity.tables.length} tables) in one snapshot`,
              'pg_restore --list, then restore into a scratch database and compare row counts per table; drop the scratch database',
              `store with sha256 in ${store.describe()}`,
              `retention: keep ${policy.keep}, max age ${policy.maxAgeDays} days (${existing.length} backups stored now)`,
            ];
            if (dryRun) {
              const wouldDelete = expiredBackups(
                [{ id: '(new)', createdAt: new Date().toISOString() } as BackupManifest, ...existing],
                policy,
                new Date(),
                '(new)',
              ).map(m => m.id);
              for (const p of plan) ctx.logger.info(`[dry run] ${p}`);
              ctx.output('plan', plan);
              ctx.output('deletedBackups', wouldDelete);
              return { plan, wouldDelete };
            }

            const job: BackupJob = { instance, binDir, store, logger: ctx.logger, signal: ctx.signal, scrub };
            const manifest = await ctx.checkpoint({
              key: `postgres-backup:${instance.name}:${instance.database}`,
              fn: async () => (await dumpVerifyStore(job, identity)) as unknown as JsonObject,
            }) as unknown as BackupManifest & { location: string };

            const deleted = await ctx.checkpoint({
              key: `postgres-backup-retention:${manifest.id}`,
              fn: async () => {
                // The listing read for the plan plus the new backup (which a retried task may already see there): one listing per run.
                const stored = [manifest, ...existing.filter(m => m.id !== manifest.id)];
                const expired = expiredBackups(stored, policy, new Date(), manifest.id);
                for (const m of expired) {
                  await store.remove(m.id);
                  ctx.logger.info(`Retention removed ${m.id} (${m.createdAt})`);
                }
                return expired.map(m => m.id);
              },
            });
            const rows = Object.values(manifest.tables).reduce((a, b) => a + b, 0);
            ctx.output('backupId', manifest.id);
            ctx.output('location', manifest.location);
            ctx.output('sha256', manifest.sha256);
            ctx.output('sizeBytes', manifest.sizeBytes);
            ctx.output('tables', Object.keys(manifest.tables).length);
            ctx.output('rows', rows);
            ctx.output('verified', true);
            ctx.output('deletedBackups', deleted);
            ctx.output('plan', plan);
            return { backupId: manifest.id, sha256: manifest.sha256, rows, deletedBackups: deleted };
          } catch (e) {
            throw redactor.error(e);
          }
        });
      });
    },
  });
}

/** What the dump, its checks and the upload of one backup run work with. */
interface BackupJob {
  instance: PgInstance;
  binDir?: string;
  store: BackupStore;
  logger: LoggerService;
  signal?: AbortSignal;
  scrub: (text: string) => string;
}

/** Dumps in one snapshot, checks the archive and a scratch restore against the snapshot's row counts, then stores it. */
async function dumpVerifyStore(job: BackupJob, identity: { systemIdentifier: string; serverVersion: string }) {
  const { instance, binDir, store, logger, signal, scrub } = job;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'plantops-backup-'));
  try {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z');
    const id = `${instance.name}--${instance.database}--${stamp}-${randomBytes(2).toString('hex')}`;
    const file = path.join(dir, `${id}.dump`);
    // Count and dump in one exported snapshot, so concurrent writes cannot make the counts differ.
    const tables = await withClient(clientConfig(instance), async c => {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await c.query<{ s: string }>('SELECT pg_export_snapshot() AS s');
      const counts = await countRows(c, await listTables(c), signal);
      logger.info(`Dumping ${instance.database} on ${instance.name}`);
      await pgDump(binDir, instance, instance.database, file, rows[0].s, signal, scrub);
      await c.query('COMMIT');
      return counts;
    });
    const archived = await listArchive(binDir, file, signal);
    const missing = Object.keys(tables).filter(t => tables[t] > 0 && !archived.includes(t));
    if (missing.length) throw new Error(`pg_restore --list shows no data for ${missing.join(', ')}`);
    logger.info(`pg_restore --list: ${archived.length} table data entries`);

    await verifyInScratch(job, file, tables);
    const stat = await fs.stat(file);
    const m: BackupManifest = {
      id,
      createdAt: new Date().toISOString(),
      source: { instance: instance.name, database: instance.database, systemIdentifier: identity.systemIdentifier, serverVersion: identity.serverVersion },
      format: 'pg_dump-custom',
      sha256: await sha256File(file),
      sizeBytes: stat.size,
      tables,
    };
    const { location } = await store.put(file, m, signal);
    logger.info(`Stored ${id} (${m.sizeBytes} bytes, sha256 ${m.sha256}) at ${location}`);
    return { ...m, location };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function verifyInScratch(job: BackupJob, file: string, expected: Record<string, number>) {
  const { instance, binDir, logger, signal, scrub } = job;
  const scratch = `plantops_verify_${randomBytes(6).toString('hex')}`;
  await withClient(clientConfig(instance), async admin => {
    await admin.query(`CREATE DATABASE ${quoteIdent(scratch)}`);
    try {
      await pgRestore(binDir, instance, scratch, file, signal, scrub);
      const actual = await withClient(clientConfig(instance, scratch), c =>
        listTables(c).then(t => countRows(c, t, signal)),
      );
      const diffs = compareCounts(expected, actual);
      if (diffs.length) throw new Error(`verification restore differs from the source: ${diffs.join('; ')}`);
      logger.info(`Verified: scratch restore matches ${Object.keys(expected).length} tables row for row`);
    } finally {
      await dropDatabase(admin, scratch);
    }
  });
}
