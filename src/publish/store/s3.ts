import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PublisherError } from '../../core/errors.js';
import { fileDigest, sha256Hex } from '../../core/hash.js';
import type { Logger } from '../../core/log.js';
import type { IncompleteWriteCleaner, StoredObjectInfo } from './_capabilities.js';
import { assertValidKey, assertValidPrefix } from './_keys.js';
import type { ObjectInfo, PutOptions, Store } from './store.js';

export interface S3Tuning {
  /** Attempts per request, first included (SDK standard retry mode: exponential backoff, full jitter). */
  maxAttempts?: number;
  /** Time to open a TCP connection before the attempt fails (and is retried). */
  connectionTimeoutMs?: number;
  /** Time a socket may stay silent mid-request before the attempt fails: a stalled server cannot hang the job. */
  socketTimeoutMs?: number;
  /** Multipart part size for `putFile`; files up to one part go in a single PUT. */
  partSizeBytes?: number;
  /** Parts uploaded at once. */
  queueSize?: number;
}

export interface S3StoreOptions extends S3Tuning {
  bucket: string;
  /** '' or a prefix ending in '/'. */
  prefix: string;
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Only for tests; otherwise the standard AWS chain (environment, profile, SSO, web identity, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  logger?: Logger;
}

export const S3_DEFAULTS = {
  maxAttempts: 5,
  connectionTimeoutMs: 5_000,
  socketTimeoutMs: 30_000,
  partSizeBytes: 16 * 1024 * 1024,
  queueSize: 4,
  region: 'us-east-1',
} as const;

const MIN_PART_SIZE = 5 * 1024 * 1024;

/**
 * A Store over `s3://bucket/prefix` on AWS S3 or an S3-compatible store (MinIO, R2, Ceph). Credentials
 * come from the standard AWS chain and are never logged. The SDK retries transient failures (5xx,
 * throttling, resets, timeouts); body reads, which the SDK does not retry, are retried here. A failure
 * that persists becomes PublisherError E_STORE naming the operation, the object and the cause; a
 * missing bucket or refused credentials (403) become E_CONFIG, since no rerun can fix them.
 */
export class S3Store implements Store, IncompleteWriteCleaner {
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  private readonly logger: Logger | undefined;
  private readonly tuning: Required<S3Tuning>;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.logger = options.logger;
    this.tuning = {
      maxAttempts: options.maxAttempts ?? S3_DEFAULTS.maxAttempts,
      connectionTimeoutMs: options.connectionTimeoutMs ?? S3_DEFAULTS.connectionTimeoutMs,
      socketTimeoutMs: options.socketTimeoutMs ?? S3_DEFAULTS.socketTimeoutMs,
      partSizeBytes: options.partSizeBytes ?? S3_DEFAULTS.partSizeBytes,
      queueSize: options.queueSize ?? S3_DEFAULTS.queueSize,
    };
    validateTuning(this.tuning);
    let region: Promise<string> | undefined;
    this.client = new S3Client({
      // The SDK asks for the region on every request: resolve the chain once.
      region: options.region ?? (() => (region ??= defaultRegion())),
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: this.tuning.maxAttempts,
      retryMode: 'standard',
      requestHandler: {
        connectionTimeout: this.tuning.connectionTimeoutMs,
        socketTimeout: this.tuning.socketTimeoutMs,
        httpAgent: { keepAlive: true, maxSockets: 32 },
        httpsAgent: { keepAlive: true, maxSockets: 32 },
      },
    });
  }

  describe(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  async putBytes(key: string, body: string | Uint8Array, options: PutOptions): Promise<ObjectInfo> {
    assertValidKey(key);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const sha256 = sha256Hex(bytes);
    const metadata = this.metadataFor(key, sha256, options);
    await this.send('PUT', key, () =>
      this.client.send(
        new PutObjectCommand({
          ...this.objectParams(key, options, metadata),
          Body: bytes,
          ContentLength: bytes.byteLength,
        }),
      ),
    );
    return { key, bytes: bytes.byteLength, sha256, metadata };
  }

  async putFile(key: string, localPath: string, options: PutOptions): Promise<ObjectInfo> {
    assertValidKey(key);
    // Hashing first costs one local read and lets the checksum travel in the object's metadata.
    const { sha256, bytes } = await fileDigest(localPath).catch((error: unknown) => {
      throw new PublisherError(
        'E_STORE',
        `cannot upload ${localPath} to ${this.describe(key)}: ${(error as Error).message}`,
        { cause: error },
      );
    });
    const metadata = this.metadataFor(key, sha256, options);
    const body = createReadStream(localPath);
    const upload = new Upload({
      client: this.client,
      params: { ...this.objectParams(key, options, metadata), Body: body, ContentLength: bytes },
      partSize: this.tuning.partSizeBytes,
      queueSize: this.tuning.queueSize,
      // Aborting is done below, so that a failed abort cannot hide the error that caused it.
      leavePartsOnError: true,
    });
    try {
      await upload.done();
    } catch (error) {
      if (upload.uploadId) await this.abortAfterFailure(key, upload.uploadId);
      throw this.failure('upload', key, error);
    } finally {
      body.destroy();
    }
    return { key, bytes, sha256, metadata };
  }

  async getBytes(key: string): Promise<Buffer | undefined> {
    assertValidKey(key);
    return this.readBody(key, async (response) => {
      const body = Buffer.from(await response.Body!.transformToByteArray());
      checkLength(body.byteLength, response.ContentLength);
      return body;
    });
  }

  async download(key: string, localPath: string): Promise<void> {
    assertValidKey(key);
    await mkdir(dirname(localPath), { recursive: true });
    const found = await this.readBody(key, async (response) => {
      const temp = join(dirname(localPath), `.tmp-${randomBytes(6).toString('hex')}-${basename(localPath)}`);
      try {
        const file = createWriteStream(temp);
        await pipeline(response.Body as Readable, file);
        checkLength(file.bytesWritten, response.ContentLength);
        await rename(temp, localPath);
      } finally {
        await rm(temp, { force: true });
      }
      return true;
    });
    if (!found) throw new PublisherError('E_STORE', `cannot download ${this.describe(key)}: no such object`);
  }

  async head(key: string): Promise<StoredObjectInfo | undefined> {
    assertValidKey(key);
    const response = await this.send(
      'HEAD',
      key,
      () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) })),
      {
        absentIsUndefined: true,
      },
    );
    if (!response) return undefined;
    const metadata = response.Metadata ?? {};
    const sha256 = metadata.sha256;
    return {
      key,
      bytes: response.ContentLength ?? 0,
      ...(sha256 && /^[0-9a-f]{64}$/.test(sha256) ? { sha256 } : {}),
      metadata,
      ...(response.ContentType !== undefined ? { contentType: response.ContentType } : {}),
      ...(response.CacheControl !== undefined ? { cacheControl: response.CacheControl } : {}),
    };
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    assertValidPrefix(prefix);
    const found: ObjectInfo[] = [];
    let token: string | undefined;
    // Bounded: a store that kept returning a continuation token would otherwise loop forever.
    for (let page = 0; page < 100_000; page++) {
      const response = await this.send('LIST', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken: token }),
        ),
      );
      for (const object of response?.Contents ?? []) {
        if (!object.Key || object.Key.endsWith('/')) continue; // folder markers made by consoles
        found.push({ key: object.Key.slice(this.prefix.length), bytes: object.Size ?? 0 });
      }
      token = response?.IsTruncated ? response.NextContinuationToken : undefined;
      if (!token) break;
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.send('DELETE', key, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) })),
    );
  }

  /** Aborts multipart uploads under the prefix started before `startedBefore` (a killed run's leftovers). */
  async abortIncompleteWrites(startedBefore: Date): Promise<string[]> {
    const aborted: string[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const response = await this.send('LIST-UPLOADS', '', () =>
        this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            Prefix: this.prefix,
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        ),
      );
      for (const upload of response?.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= startedBefore) continue;
        const key = upload.Key.slice(this.prefix.length);
        await this.send(
          'ABORT-UPLOAD',
          key,
          () =>
            this.client.send(
              new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }),
            ),
          { absentIsUndefined: true },
        );
        aborted.push(`${this.describe(key)} (upload ${upload.UploadId} started ${upload.Initiated.toISOString()})`);
      }
      if (!response?.IsTruncated) break;
      keyMarker = response.NextKeyMarker;
      uploadIdMarker = response.NextUploadIdMarker;
    }
    return aborted;
  }

  /** Closes pooled connections (tests; the job exits anyway). */
  destroy(): void {
    this.client.destroy();
  }

  private fullKey(key: string): string {
    return this.prefix + key;
  }

  private objectParams(key: string, options: PutOptions, metadata: Record<string, string>) {
    return {
      Bucket: this.bucket,
      Key: this.fullKey(key),
      ContentType: options.contentType,
      ...(options.cacheControl !== undefined ? { CacheControl: options.cacheControl } : {}),
      Metadata: metadata,
    };
  }

  private metadataFor(key: string, sha256: string, options: PutOptions): Record<string, string> {
    const declared = options.metadata?.sha256;
    if (declared !== undefined && declared !== sha256) {
      throw new PublisherError(
        'E_STORE',
        `refusing to upload ${this.describe(key)}: its declared sha256 ${declared} does not match the bytes (${sha256})`,
      );
    }
    return { ...options.metadata, sha256 };
  }

  private async abortAfterFailure(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.fullKey(key), UploadId: uploadId }),
      );
      this.logger?.warn('aborted the failed multipart upload', { object: this.describe(key), uploadId });
    } catch (error) {
      // The upload error is the one to report; the next run (or a lifecycle rule) clears the parts.
      this.logger?.warn('could not abort the failed multipart upload; the next run will', {
        object: this.describe(key),
        uploadId,
        error: describeError(error),
      });
    }
  }

  /**
   * GET with retries of the body read: the SDK retries until response headers arrive, but a connection
   * reset or a stall while the body streams surfaces later, in our hands.
   */
  private async readBody<T>(
    key: string,
    consume: (response: GetObjectCommandOutput) => Promise<T>,
  ): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      const response = await this.send(
        'GET',
        key,
        () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) })),
        {
          absentIsUndefined: true,
        },
      );
      if (!response) return undefined;
      try {
        return await consume(response);
      } catch (error) {
        (response.Body as Readable | undefined)?.destroy?.();
        if (attempt >= this.tuning.maxAttempts || !isTransientBodyError(error))
          throw this.failure('GET', key, error, attempt);
        const delayMs = backoffMs(attempt);
        this.logger?.warn('reading an object failed; retrying', {
          object: this.describe(key),
          attempt,
          delayMs,
          error: describeError(error),
        });
        await new Promise((done) => setTimeout(done, delayMs));
      }
    }
  }

  private async send<T extends { $metadata: { attempts?: number; totalRetryDelay?: number } }>(
    operation: string,
    key: string,
    call: () => Promise<T>,
    options: { absentIsUndefined?: boolean } = {},
  ): Promise<T | undefined> {
    let response: T;
    try {
      response = await call();
    } catch (error) {
      if (options.absentIsUndefined && isNotFound(error)) return undefined;
      throw this.failure(operation, key, error);
    }
    const attempts = response.$metadata.attempts ?? 1;
    if (attempts > 1) {
      this.logger?.info('storage request succeeded after retries', {
        operation,
        object: this.describe(key),
        attempts,
        retryDelayMs: response.$metadata.totalRetryDelay,
      });
    }
    return response;
  }

  private failure(operation: string, key: string, error: unknown, attempts?: number): PublisherError {
    if (error instanceof PublisherError) return error;
    const made = attempts ?? (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
    const tries = made ? ` after ${made} attempt${made === 1 ? '' : 's'}` : '';
    const failed = `S3 ${operation} ${this.describe(key)} failed${tries}: ${describeError(error)}`;
    // A rerun cannot fix a missing bucket or a refused credential: configuration (exit 3), not storage (exit 7).
    if (isMissingBucket(error)) {
      return new PublisherError(
        'E_CONFIG',
        `${failed}. The bucket "${this.bucket}" does not exist at this endpoint: check the location (s3://${this.bucket}/${this.prefix}), AWS_ENDPOINT_URL and AWS_REGION`,
        { cause: error },
      );
    }
    if (isAccessDenied(error)) {
      return new PublisherError(
        'E_CONFIG',
        `${failed}. Access denied: the credentials (standard AWS chain) are invalid or lack ${PERMISSION[operation] ?? 'permission'} on ${this.describe(key)}${operation === 'GET' || operation === 'HEAD' ? ' (without s3:ListBucket a missing object also answers 403)' : ''}; see the minimum IAM policy in docs/publishing.md. A rerun will not help until that is fixed`,
        { cause: error },
      );
    }
    return new PublisherError('E_STORE', failed, { cause: error });
  }
}

/** The standard chain (AWS_REGION, profile, instance metadata), then us-east-1 as most S3-compatible stores expect. */
async function defaultRegion(): Promise<string> {
  const probe = new S3Client({});
  try {
    return await probe.config.region();
  } catch {
    // The SDK throws "Region is missing" when the chain is empty; us-east-1 is the documented fallback.
    return S3_DEFAULTS.region;
  } finally {
    probe.destroy();
  }
}

function validateTuning(tuning: Required<S3Tuning>): void {
  const positive = (name: keyof S3Tuning, value: number): void => {
    if (!Number.isInteger(value) || value < 1) {
      throw new PublisherError('E_CONFIG', `S3 option \`${name}\` must be an integer from 1 up, got ${value}`);
    }
  };
  for (const name of ['maxAttempts', 'connectionTimeoutMs', 'socketTimeoutMs', 'queueSize'] as const)
    positive(name, tuning[name]);
  if (!Number.isInteger(tuning.partSizeBytes) || tuning.partSizeBytes < MIN_PART_SIZE) {
    throw new PublisherError(
      'E_CONFIG',
      `S3 option \`partSizeBytes\` must be an integer of at least ${MIN_PART_SIZE} (5 MiB, the S3 minimum), got ${tuning.partSizeBytes}`,
    );
  }
}

function checkLength(received: number, expected: number | undefined): void {
  if (expected !== undefined && received !== expected) {
    throw Object.assign(new Error(`body ended after ${received} of ${expected} bytes`), { code: 'ECONNRESET' });
  }
}

function isNotFound(error: unknown): boolean {
  // A missing bucket is not a missing object: reading "no catalog" from it would start a fresh one.
  if (isMissingBucket(error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as Error | undefined)?.name;
  return status === 404 || name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchUpload';
}

function isMissingBucket(error: unknown): boolean {
  const { name, Code } = (error ?? {}) as { name?: string; Code?: string };
  return name === 'NoSuchBucket' || Code === 'NoSuchBucket';
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'Forbidden',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'AllAccessDisabled',
  'AccountProblem',
]);

function isAccessDenied(error: unknown): boolean {
  const { name, Code } = (error ?? {}) as { name?: string; Code?: string };
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 403 || ACCESS_DENIED.has(name ?? '') || ACCESS_DENIED.has(Code ?? '');
}

/** The IAM action an operation needs, for the access-denied message. */
const PERMISSION: Record<string, string> = {
  PUT: 's3:PutObject',
  upload: 's3:PutObject',
  GET: 's3:GetObject',
  HEAD: 's3:GetObject',
  LIST: 's3:ListBucket',
  DELETE: 's3:DeleteObject',
  'LIST-UPLOADS': 's3:ListBucketMultipartUploads',
  'ABORT-UPLOAD': 's3:AbortMultipartUpload',
};

const TRANSIENT_BODY_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

function isTransientBodyError(error: unknown): boolean {
  const { code, name, message } = error as { code?: string; name?: string; message?: string };
  return TRANSIENT_BODY_CODES.has(code ?? '') || name === 'TimeoutError' || message === 'aborted';
}

/** Full jitter over an exponential ceiling, as the SDK's standard mode does. */
function backoffMs(attempt: number): number {
  return Math.floor(Math.random() * Math.min(20_000, 100 * 2 ** attempt));
}

/** Name, HTTP status and message of an SDK or network error; never request headers (they carry signatures). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: string }).code;
  const parts = [
    error.name,
    status ? `HTTP ${status}` : undefined,
    code && code !== error.name ? code : undefined,
  ].filter(Boolean);
  return `${parts.join(' ')}: ${error.message}`;
}
