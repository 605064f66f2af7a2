import fs from 'node:fs/promises';
import path from 'node:path';
import { BACKUP_ID, type BackupManifest, type BackupStore, newestFirst, parseManifest } from './types';

/** Backups as `<root>/<id>.dump` + `<root>/<id>.json`; written to a temp name and renamed, so a half-written backup is never listed. */
export class FilesystemBackupStore implements BackupStore {
  constructor(private readonly root: string) {}

  describe() {
    return `file://${this.root}`;
  }

  private file(id: string, ext: 'dump' | 'json') {
    if (!BACKUP_ID.test(id)) throw new Error(`invalid backup id "${id}"`);
    return path.join(this.root, `${id}.${ext}`);
  }

  async put(file: string, manifest: BackupManifest, signal?: AbortSignal) {
    signal?.throwIfAborted();
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
      const m = parseManifest(await fs.readFile(path.join(this.root, n), 'utf8'));
      if (m) out.push(m);
    }
    return newestFirst(out);
  }

  async list(sourceInstance: string, database: string) {
    return (await this.all()).filter(m => m.source.instance === sourceInstance && m.source.database === database);
  }

  async find(id: string) {
    if (!BACKUP_ID.test(id)) return undefined;
    try {
      return parseManifest(await fs.readFile(this.file(id, 'json'), 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async fetch(id: string, dest: string, signal?: AbortSignal) {
    signal?.throwIfAborted();
    await fs.copyFile(this.file(id, 'dump'), dest);
  }

  async remove(id: string) {
    // Manifest first: a backup without a manifest is invisible, never half-listed.
    await fs.rm(this.file(id, 'json'), { force: true });
    await fs.rm(this.file(id, 'dump'), { force: true });
  }
}
