import type { Config } from '@backstage/config';
import { newestFirst, type BackupManifest } from './types';

export interface RetentionPolicy {
  keep: number;
  maxAgeDays: number;
}

/** The backups a policy deletes: beyond the newest `keep`, or older than maxAgeDays; never `protect` (the one just made). */
export function expiredBackups(backups: BackupManifest[], policy: RetentionPolicy, now: Date, protect?: string): BackupManifest[] {
  const sorted = newestFirst([...backups]);
  const cutoff = now.getTime() - policy.maxAgeDays * 86_400_000;
  return sorted.filter(
    (m, index) => m.id !== protect && (index >= policy.keep || new Date(m.createdAt).getTime() < cutoff),
  );
}

export function retentionFromConfig(config: Config): RetentionPolicy {
  return {
    keep: config.getOptionalNumber('plant.postgres.backup.retention.keep') ?? 7,
    maxAgeDays: config.getOptionalNumber('plant.postgres.backup.retention.maxAgeDays') ?? 30,
  };
}
