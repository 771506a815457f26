import { fileURLToPath } from 'node:url';
import { PublisherError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { assertValidPrefix } from './_keys.js';
import { LocalStore } from './local.js';
import { S3Store, type S3Tuning } from './s3.js';
import type { Store } from './store.js';

export type { IncompleteWriteCleaner, StoredObjectInfo } from './_capabilities.js';
export { canAbortIncompleteWrites } from './_capabilities.js';
export { assertValidKey } from './_keys.js';
export { LocalStore } from './local.js';
export { S3_DEFAULTS, S3Store, type S3StoreOptions, type S3Tuning } from './s3.js';
export type { ObjectInfo, PutOptions, Store } from './store.js';

export interface OpenStoreOptions extends S3Tuning {
  /** S3 endpoint URL; default AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then AWS itself. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which MinIO and Ceph usually need; also S3_FORCE_PATH_STYLE=true. */
  forcePathStyle?: boolean;
  /** Default: the standard AWS chain (AWS_REGION, profile), then us-east-1. */
  region?: string;
  logger?: Logger;
  /** Only for tests: credentials otherwise come from the standard AWS chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface S3Location {
  bucket: string;
  /** '' or a prefix ending in '/'. */
  prefix: string;
}

/** `s3://bucket/prefix` -> an S3 store; anything else (a path or a file: URL) -> a local folder. */
export function openStore(
  location: string,
  options: OpenStoreOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Store {
  if (typeof location !== 'string' || location.trim() === '') {
    throw new PublisherError(
      'E_CONFIG',
      `store location must be a folder path or s3://bucket/prefix, got ${JSON.stringify(location)}`,
    );
  }
  if (/^s3:/i.test(location)) {
    const { bucket, prefix } = parseS3Location(location);
    const settings = resolveS3Settings(options, env);
    return new S3Store({ ...options, ...settings, bucket, prefix });
  }
  if (location.startsWith('file:')) return new LocalStore(fileURLToPath(location));
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location);
  if (scheme) {
    throw new PublisherError(
      'E_CONFIG',
      `store location ${JSON.stringify(location)} has an unsupported scheme "${scheme[1]}": use a folder path or s3://bucket/prefix`,
    );
  }
  return new LocalStore(location);
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseS3Location(location: string): S3Location {
  const match = /^s3:\/\/([^/?#]*)(?:\/([^?#]*))?$/.exec(location);
  if (!location.startsWith('s3://') || !match) {
    throw new PublisherError(
      'E_CONFIG',
      `an S3 location must look like s3://bucket or s3://bucket/prefix (no query or fragment): got ${JSON.stringify(location)}`,
    );
  }
  const bucket = match[1] ?? '';
  if (bucket === '')
    throw new PublisherError('E_CONFIG', `target \`s3://\` needs a bucket: got ${JSON.stringify(location)}`);
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new PublisherError(
      'E_CONFIG',
      `bucket ${JSON.stringify(bucket)} in ${JSON.stringify(location)} must be 3 to 63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit`,
    );
  }
  const rest = match[2] ?? '';
  const prefix = rest === '' || rest.endsWith('/') ? rest : `${rest}/`;
  try {
    assertValidPrefix(prefix);
  } catch (error) {
    throw new PublisherError(
      'E_CONFIG',
      `prefix ${JSON.stringify(rest)} in ${JSON.stringify(location)} is not usable: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return { bucket, prefix };
}

/** Explicit options win over the environment; path style is on when either asks for it. */
export function resolveS3Settings(
  options: Pick<OpenStoreOptions, 'endpoint' | 'forcePathStyle' | 'region'>,
  env: NodeJS.ProcessEnv,
): { endpoint?: string; forcePathStyle: boolean; region?: string } {
  const endpoint = nonEmpty(options.endpoint) ?? nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  if (endpoint !== undefined) validateEndpoint(endpoint);
  const region = nonEmpty(options.region);
  return {
    ...(endpoint !== undefined ? { endpoint } : {}),
    forcePathStyle: options.forcePathStyle === true || parseFlag('S3_FORCE_PATH_STYLE', env.S3_FORCE_PATH_STYLE),
    ...(region !== undefined ? { region } : {}),
  };
}

function validateEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new PublisherError(
      'E_CONFIG',
      `S3 endpoint must be an http(s) URL such as https://minio.example.org:9000, got ${JSON.stringify(endpoint)}`,
    );
  }
  if (url.username || url.password) {
    // Do not echo it: the URL holds a secret.
    throw new PublisherError(
      'E_CONFIG',
      'S3 endpoint must not contain credentials: set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or a profile) instead',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PublisherError(
      'E_CONFIG',
      `S3 endpoint must be an http(s) URL such as https://minio.example.org:9000, got ${JSON.stringify(endpoint)}`,
    );
  }
}

function parseFlag(name: string, value: string | undefined): boolean {
  if (value === undefined || value.trim() === '') return false;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no'].includes(normalised)) return false;
  throw new PublisherError(
    'E_CONFIG',
    `environment variable ${name} must be true or false, got ${JSON.stringify(value)}`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
