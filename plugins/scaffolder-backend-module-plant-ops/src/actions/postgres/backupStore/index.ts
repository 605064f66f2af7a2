export type { BackupManifest, BackupStore } from './types';
export { sha256File } from './types';
export { expiredBackups, retentionFromConfig, type RetentionPolicy } from './retention';
export { FilesystemBackupStore } from './filesystem';
export { S3BackupStore, type S3TargetSettings } from './s3';
export { NO_TARGET_HINT, s3SettingsFromConfig, storeFromConfig, withStore } from './config';
