import path from 'node:path';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { fieldError } from '../../../lib/errors';
import { FilesystemBackupStore } from './filesystem';
import { S3BackupStore, type S3TargetSettings, TARGET_KEY } from './s3';
import type { BackupStore } from './types';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The S3 settings of `plant.postgres.backup.target`, each bad value refused with its key and the fix. */
export function s3SettingsFromConfig(target: Config): S3TargetSettings {
  const endpoint = target.getOptionalString('endpoint');
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol)) {
      throw fieldError(`${TARGET_KEY}.endpoint`, 'is not an http(s) URL', 'Set it to the server URL, e.g. https://minio.example.com:9000');
    }
    if (url.username || url.password) {
      throw fieldError(`${TARGET_KEY}.endpoint`, 'carries credentials in the URL', 'Remove them from the URL and set credentials.accessKeyId and credentials.secretAccessKey');
    }
  }
  const bucket = target.getOptionalString('bucket');
  if (!bucket) throw fieldError(`${TARGET_KEY}.bucket`, 'is missing', 'Set the name of the bucket that holds the backups');
  if (!BUCKET.test(bucket)) {
    throw fieldError(`${TARGET_KEY}.bucket`, `"${bucket}" is not a valid bucket name`, 'Use 3-63 lower-case letters, digits, dots and hyphens');
  }
  const rawPrefix = (target.getOptionalString('prefix') ?? '').replace(/^\/+|\/+$/g, '');
  if (rawPrefix.split('/').some(p => p === '..' || p === '.')) {
    throw fieldError(`${TARGET_KEY}.prefix`, `"${rawPrefix}" has . or .. segments`, 'Use a plain key prefix such as postgres/ms5');
  }
  const creds = target.getOptionalConfig('credentials');
  let credentials: S3TargetSettings['credentials'];
  if (creds) {
    const accessKeyId = creds.getOptionalString('accessKeyId');
    const secretAccessKey = creds.getOptionalString('secretAccessKey');
    if (!accessKeyId) throw fieldError(`${TARGET_KEY}.credentials.accessKeyId`, 'is missing or empty', 'Set it from an environment variable, e.g. PLANTOPS_BACKUP_S3_ACCESS_KEY_ID');
    if (!secretAccessKey) throw fieldError(`${TARGET_KEY}.credentials.secretAccessKey`, 'is missing or empty', 'Set it from an environment variable, e.g. PLANTOPS_BACKUP_S3_SECRET_ACCESS_KEY');
    credentials = { accessKeyId, secretAccessKey, sessionToken: creds.getOptionalString('sessionToken') || undefined };
  }
  return {
    endpoint,
    region: target.getOptionalString('region') ?? 'us-east-1',
    bucket,
    prefix: rawPrefix ? `${rawPrefix}/` : '',
    // MinIO and most S3-compatible servers address buckets by path, not by host name.
    forcePathStyle: target.getOptionalBoolean('forcePathStyle') ?? endpoint !== undefined,
    credentials,
  };
}

/**
 * The configured backup target: `plant.postgres.backup.target` (type
 * filesystem or s3), or the older `plant.postgres.backup.filesystem.path`.
 * Undefined when neither is set.
 */
export function storeFromConfig(config: Config): BackupStore | undefined {
  const target = config.getOptionalConfig(TARGET_KEY);
  if (!target) {
    const legacy = config.getOptionalString('plant.postgres.backup.filesystem.path');
    return legacy ? new FilesystemBackupStore(path.resolve(legacy)) : undefined;
  }
  const type = target.getOptionalString('type');
  if (type === 'filesystem') {
    const root = target.getOptionalString('path');
    if (!root) throw fieldError(`${TARGET_KEY}.path`, 'is missing', 'Set the folder that holds the backups');
    return new FilesystemBackupStore(path.resolve(root));
  }
  if (type === 's3') return new S3BackupStore(s3SettingsFromConfig(target));
  throw fieldError(
    `${TARGET_KEY}.type`,
    type ? `"${type}" is not a backup target type` : 'is missing',
    'Set type: filesystem (with path) or type: s3 (with bucket, and endpoint for MinIO or another S3-compatible server)',
  );
}

/** What to tell the user when no target is configured. */
export const NO_TARGET_HINT = `No backup target is configured. Set ${TARGET_KEY} in app-config: type filesystem with path, or type s3 with endpoint, bucket and credentials`;

/**
 * Runs `fn` with `given` or else the configured store; a store made here is
 * destroyed when `fn` ends, so each task's S3 client closes its sockets.
 */
export async function withStore<T>(config: Config, given: BackupStore | undefined, fn: (store: BackupStore) => Promise<T>): Promise<T> {
  const made = given ? undefined : storeFromConfig(config);
  const store = given ?? made;
  if (!store) throw new InputError(NO_TARGET_HINT);
  try {
    return await fn(store);
  } finally {
    made?.destroy?.();
  }
}
