import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '@backstage/config';

/** What a stored backup says about itself (stored next to the dump). */
export interface BackupManifest {
  id: string;
  createdAt: string;
  /** Where it came from: the instance's catalog name, the database, and the server's identity. */
  source: { instance: string; database: string; systemIdentifier: string; serverVersion: string };
  format: 'pg_dump-custom';
  sha256: string;
  sizeBytes: number;
  /** Exact row count per table (schema.table) in the dumped snapshot. */
  tables: Record<string, number>;
}

/**
 * Where verified backups live. The filesystem store is the one built; an
 * S3-compatible store (MinIO) implements the same four calls.
 */
export interface BackupStore {
  /** Where it stores, for plans and outputs (no credentials). */
  describe(): string;
  put(file: string, manifest: BackupManifest): Promise<{ location: string }>;
  list(sourceInstance: string, database: string): Promise<BackupManifest[]>;
  /** The manifest of a backup id, or undefined. */
  find(id: string): Promise<BackupManifest | undefined>;
  /** Copies the dump to `dest` (a local file). */
  fetch(id: string, dest: string): Promise<void>;
  remove(id: string): Promise<void>;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const ID = /^[a-z0-9][a-z0-9_.-]{0,200}$/i;

/** Backups as `<root>/<id>.dump` + `<root>/<id>.json`; written to a temp name and renamed, so a half-written backup is never listed. */
export class FilesystemBackupStore implements BackupStore {
  constructor(private readonly root: string) {}

  describe() {
    return `file://${this.root}`;
  }

  private file(id: string, ext: 'dump' | 'json') {
    if (!ID.test(id)) throw new Error(`invalid backup id "${id}"`);
    return path.join(this.root, `${id}.${ext}`);
  }

  async put(file: string, manifest: BackupManifest) {
    await fs.mkdir(this.root, { recursive: true });
    const dump = this.file(manifest.id, 'dump');
    await fs.copyFile(file, `${dump}.partial`);
    await fs.rename(`${dump}.partial`, dump);
    const json = this.file(manifest.id, 'json');
    await fs.writeFile(`${json}.partial`, JSON.stringify(manifest, null, 2));
    await fs.rename(`${json}.partial`, json);
    return { location: `file://${dump}` };
  }

  private async all(): Promise<BackupManifest[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.root);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: BackupManifest[] = [];
    for (const n of names.filter(x => x.endsWith('.json'))) {
      out.push(JSON.parse(await fs.readFile(path.join(this.root, n), 'utf8')));
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async list(sourceInstance: string, database: string) {
    return (await this.all()).filter(m => m.source.instance === sourceInstance && m.source.database === database);
  }

  async find(id: string) {
    if (!ID.test(id)) return undefined;
    try {
      return JSON.parse(await fs.readFile(this.file(id, 'json'), 'utf8')) as BackupManifest;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async fetch(id: string, dest: string) {
    await fs.copyFile(this.file(id, 'dump'), dest);
  }

  async remove(id: string) {
    // Manifest first: a backup without a manifest is invisible, never half-listed.
    await fs.rm(this.file(id, 'json'), { force: true });
    await fs.rm(this.file(id, 'dump'), { force: true });
  }
}

export interface RetentionPolicy {
  keep: number;
  maxAgeDays: number;
}

/** The backups a policy deletes: beyond the newest `keep`, or older than maxAgeDays; never `protect` (the one just made). */
export function expiredBackups(backups: BackupManifest[], policy: RetentionPolicy, now: Date, protect?: string): BackupManifest[] {
  const sorted = [...backups].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const cutoff = now.getTime() - policy.maxAgeDays * 86_400_000;
  return sorted.filter(
    (m, index) => m.id !== protect && (index >= policy.keep || new Date(m.createdAt).getTime() < cutoff),
  );
}

export function storeFromConfig(config: Config): BackupStore | undefined {
  const root = config.getOptionalString('plant.postgres.backup.filesystem.path');
  return root ? new FilesystemBackupStore(path.resolve(root)) : undefined;
}

export function retentionFromConfig(config: Config): RetentionPolicy {
  return {
    keep: config.getOptionalNumber('plant.postgres.backup.retention.keep') ?? 7,
    maxAgeDays: config.getOptionalNumber('plant.postgres.backup.retention.maxAgeDays') ?? 30,
  };
}
