import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

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
 * Where verified backups live: a filesystem folder or an S3-compatible bucket.
 * Both keep one dump and one manifest per backup, and write the manifest last,
 * so a half-written backup is never listed.
 */
export interface BackupStore {
  /** Where it stores, for plans and outputs (no credentials). */
  describe(): string;
  /** Stores the dump `file` and its manifest; `signal` cancels an upload in flight. */
  put(file: string, manifest: BackupManifest, signal?: AbortSignal): Promise<{ location: string }>;
  /** Manifests of one source database, newest first. */
  list(sourceInstance: string, database: string): Promise<BackupManifest[]>;
  /** The manifest of a backup id, or undefined. */
  find(id: string): Promise<BackupManifest | undefined>;
  /** Copies the dump to `dest` (a local file); `signal` cancels a download in flight. */
  fetch(id: string, dest: string, signal?: AbortSignal): Promise<void>;
  remove(id: string): Promise<void>;
  /** Frees what the store holds open (the S3 client's sockets); called when the task that made it ends. */
  destroy?(): void;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Backup ids are file names and object keys: no slashes, no dot-dot tricks. */
export const BACKUP_ID = /^[a-z0-9][a-z0-9_.-]{0,200}$/i;

/** A manifest this module wrote, told apart from other JSON that may share the folder or prefix. */
export function parseManifest(text: string): BackupManifest | undefined {
  try {
    const m = JSON.parse(text);
    return m?.format === 'pg_dump-custom' && typeof m.id === 'string' && m.source && typeof m.sha256 === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

export function newestFirst(manifests: BackupManifest[]): BackupManifest[] {
  return manifests.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
