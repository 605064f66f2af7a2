import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { fieldError } from '../../../lib/errors';
import { mapLimit } from '@plantops/backstage-plugin-plant-node';
import { Redactor } from '../../../lib/redact';
import { BACKUP_ID, type BackupManifest, type BackupStore, newestFirst, parseManifest } from './types';

/** The config key of the target, named in every error about it. */
export const TARGET_KEY = 'plant.postgres.backup.target';

export interface S3TargetSettings {
  /** Server URL for MinIO and other S3-compatible servers; unset means AWS S3 of `region`. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Key prefix, empty or ending in '/'. */
  prefix: string;
  forcePathStyle: boolean;
  /** Unset: the AWS SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, web identity, ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'TimeoutError']);
const NETWORK_CODE = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)\b/;
/** Manifests read at once when listing: one GET each, so a long history is not read one round trip at a time. */
const MANIFEST_READS = 8;

/**
 * Backups as objects `<prefix><id>.dump` and `<prefix><id>.json` in an
 * S3-compatible bucket (MinIO, AWS S3, ...). The dump is streamed from its
 * file in parts (at most queueSize x partSize bytes in memory), its stored
 * size checked, and the manifest written last.
 */
export class S3BackupStore implements BackupStore {
  private readonly client: S3Client;
  private readonly redactor = new Redactor();
  private readonly partSize: number;

  constructor(private readonly settings: S3TargetSettings, options: { partSize?: number } = {}) {
    this.partSize = Math.max(options.partSize ?? 16 * 1024 * 1024, 5 * 1024 * 1024);
    const { credentials } = settings;
    this.redactor.add(credentials?.secretAccessKey);
    this.redactor.add(credentials?.sessionToken);
    this.redactor.add(credentials?.accessKeyId);
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials,
      // Our own sha256 guards the dump; many S3-compatible servers reject the SDK's default aws-chunked trailing checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    });
  }

  describe() {
    return `s3://${this.settings.bucket}/${this.settings.prefix} at ${this.settings.endpoint ?? `AWS S3 ${this.settings.region}`}`;
  }

  /** Closes the client's sockets; the store is of no use afterwards. */
  destroy() {
    this.client.destroy();
  }

  private key(id: string, ext: 'dump' | 'json') {
    if (!BACKUP_ID.test(id)) throw new Error(`invalid backup id "${id}"`);
    return `${this.settings.prefix}${id}.${ext}`;
  }

  async put(file: string, manifest: BackupManifest, signal?: AbortSignal) {
    signal?.throwIfAborted();
    const dumpKey = this.key(manifest.id, 'dump');
    const { bucket } = this.settings;
    await this.call(`uploading ${dumpKey}`, async () => {
      const upload = new Upload({
        client: this.client,
        params: {
          Bucket: bucket,
          Key: dumpKey,
          Body: createReadStream(file),
          ContentType: 'application/octet-stream',
          Metadata: { sha256: manifest.sha256 },
        },
        partSize: this.partSize,
        queueSize: 2,
      });
      // A cancelled task aborts the upload; lib-storage then aborts the multipart upload, so no parts are left behind.
      const abort = () => void upload.abort().catch(() => {});
      signal?.addEventListener('abort', abort, { once: true });
      try {
        await upload.done();
      } finally {
        signal?.removeEventListener('abort', abort);
      }
      signal?.throwIfAborted();
    });
    const head = await this.call(`checking ${dumpKey}`, () =>
      this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: dumpKey })),
    );
    if (head.ContentLength !== manifest.sizeBytes) {
      throw new Error(
        `${this.describe()}: stored ${dumpKey} has ${head.ContentLength} bytes, the dump has ${manifest.sizeBytes}; the backup was not recorded`,
      );
    }
    const jsonKey = this.key(manifest.id, 'json');
    await this.call(`writing ${jsonKey}`, () =>
      this.client.send(
        new PutObjectCommand({ Bucket: bucket, Key: jsonKey, Body: JSON.stringify(manifest, null, 2), ContentType: 'application/json' }),
      ),
    );
    return { location: `s3://${bucket}/${dumpKey}` };
  }

  async list(sourceInstance: string, database: string) {
    const { bucket, prefix } = this.settings;
    const ids: string[] = [];
    const page = (token?: string) =>
      this.call('listing backups', () =>
        this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
      );
    for (let res = await page(); ; res = await page(res.NextContinuationToken)) {
      for (const o of res.Contents ?? []) {
        const name = o.Key?.slice(prefix.length) ?? '';
        if (name.endsWith('.json') && BACKUP_ID.test(name.slice(0, -5))) ids.push(name.slice(0, -5));
      }
      if (!res.IsTruncated || !res.NextContinuationToken) break;
    }
    const manifests = await mapLimit(ids, MANIFEST_READS, id => this.find(id));
    return newestFirst(
      manifests.filter((m): m is BackupManifest => m?.source.instance === sourceInstance && m.source.database === database),
    );
  }

  async find(id: string) {
    if (!BACKUP_ID.test(id)) return undefined;
    const key = this.key(id, 'json');
    const body = await this.call(`reading ${key}`, async () => {
      try {
        const res = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
        return await res.Body!.transformToString('utf8');
      } catch (e) {
        if ((e as Error).name === 'NoSuchKey') return undefined;
        throw e;
      }
    });
    return body === undefined ? undefined : parseManifest(body);
  }

  async fetch(id: string, dest: string, signal?: AbortSignal) {
    const key = this.key(id, 'dump');
    await this.call(`downloading ${key}`, async () => {
      let res;
      try {
        res = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }), { abortSignal: signal });
      } catch (e) {
        if ((e as Error).name === 'NoSuchKey') {
          throw new Error(`${this.describe()}: backup ${id} has a manifest but no dump object ${key}; restore another backup`);
        }
        throw e;
      }
      await pipeline(res.Body as Readable, createWriteStream(dest), { signal });
    });
  }

  async remove(id: string) {
    // Manifest first: a backup without a manifest is invisible, never half-listed.
    for (const key of [this.key(id, 'json'), this.key(id, 'dump')]) {
      await this.call(`deleting ${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key })));
    }
  }

  private async call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.explain(e, doing);
    }
  }

  /** An S3 or network failure as the config field to fix, never with a credential in it. */
  private explain(e: unknown, doing: string): Error {
    const err = (e ?? {}) as Error & { code?: string; errors?: Array<{ code?: string }>; $metadata?: { httpStatusCode?: number } };
    // The SDK may wrap a socket error whose code then only shows in the message.
    const code = err.code ?? err.errors?.[0]?.code ?? NETWORK_CODE.exec(err.message ?? '')?.[1] ?? err.name;
    const { endpoint, bucket, region } = this.settings;
    const where = endpoint ?? `AWS S3 in ${region}`;
    if (err.name === 'AbortError') return err;
    if (err.message?.startsWith(this.describe())) return this.redactor.error(err);
    if (UNREACHABLE.has(code)) {
      return fieldError(
        `${TARGET_KEY}.endpoint`,
        `cannot reach the S3 server at ${where} while ${doing} (${code})`,
        'Check the URL (scheme, host and port) and that the server runs and is reachable from the backend',
      );
    }
    switch (err.name) {
      case 'NoSuchBucket':
        return fieldError(`${TARGET_KEY}.bucket`, `bucket "${bucket}" does not exist at ${where}`, 'Create the bucket, or set bucket to an existing one');
      case 'InvalidAccessKeyId':
        return fieldError(
          `${TARGET_KEY}.credentials.accessKeyId`,
          `the S3 server at ${where} does not know this access key`,
          'Set it (from the environment) to an access key of that server',
        );
      case 'SignatureDoesNotMatch':
        return fieldError(
          `${TARGET_KEY}.credentials.secretAccessKey`,
          `the S3 server at ${where} rejected the request signature: the secret key does not belong to the access key`,
          'Set it (from the environment) to the secret of credentials.accessKeyId',
        );
      case 'AccessDenied':
        return fieldError(
          `${TARGET_KEY}.credentials`,
          `access denied while ${doing} in bucket "${bucket}" at ${where}`,
          'Grant these credentials list, get, put and delete on the bucket and prefix',
        );
      case 'CredentialsProviderError':
        return fieldError(
          `${TARGET_KEY}.credentials`,
          'no S3 credentials are configured or found in the environment',
          'Set credentials.accessKeyId and credentials.secretAccessKey (from environment variables), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
        );
      case 'PermanentRedirect':
      case 'AuthorizationHeaderMalformed':
        return fieldError(`${TARGET_KEY}.region`, `bucket "${bucket}" is not in region ${region}`, "Set region to the bucket's region");
      default:
        return new Error(
          this.redactor.text(`${this.describe()}: ${doing} failed: ${err.name ?? 'Error'}: ${err.message ?? String(e)}`),
        );
    }
  }
}
