// Pre-flight: before the computation starts, every S3 location of the run (the target, and the archive
// when it is on S3) gets one cheap request, a LIST of one page under its prefix (MaxKeys is not
// used: s3rver answers a truncated page with HTTP 500). Missing or
// refused credentials, a missing bucket or an endpoint that does not answer would otherwise surface
// after the whole build, as a storage failure a rerun cannot fix; here they are configuration
// (E_CONFIG, exit 3) naming the bucket and what to set.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { PublisherError } from '../core/errors.js';
import { S3Store, type Store } from './store/index.js';
import { describeError } from './store/s3.js';

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const CREDENTIALS_HINT =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, or run where an instance role applies)';

/** One LIST on an S3 store; a local folder needs no check here (its errors name the path). */
export async function checkReachable(store: Store, role: 'target' | 'archive', env = process.env): Promise<void> {
  if (!(store instanceof S3Store)) return;
  const location = `s3://${store.bucket}/${store.prefix}`;
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || 'AWS S3 (AWS_ENDPOINT_URL not set)';
  try {
    await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: store.prefix }));
  } catch (error) {
    throw preflightError(error, role, location, store.bucket, endpoint);
  }
}

function preflightError(
  error: unknown,
  role: string,
  location: string,
  bucket: string,
  endpoint: string,
): PublisherError {
  const { name, Code, code } = (error ?? {}) as { name?: string; Code?: string; code?: string };
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const before = `checking the ${role} ${location} before the run (S3 LIST of bucket "${bucket}" at ${endpoint})`;
  const config = (what: string) =>
    new PublisherError('E_CONFIG', `${before}: ${what}. Nothing was computed or written`, { cause: error });
  if (name === 'CredentialsProviderError') return config(`no S3 credentials were found: ${CREDENTIALS_HINT}`);
  if (
    status === 403 ||
    /AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken/.test(`${name} ${Code}`)
  )
    return config(
      `access denied (${describeError(error)}): the credentials are invalid or lack s3:ListBucket on bucket "${bucket}"; ${CREDENTIALS_HINT}, and see the minimum IAM policy in docs/publishing.md`,
    );
  if (status === 404 || name === 'NoSuchBucket' || Code === 'NoSuchBucket')
    return config(
      `no such bucket. The bucket "${bucket}" does not exist at this endpoint: check the location, AWS_ENDPOINT_URL and AWS_REGION`,
    );
  const network = code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (
    UNREACHABLE_CODES.has(network ?? '') ||
    (error instanceof AggregateError &&
      error.errors.some((inner) => UNREACHABLE_CODES.has((inner as { code?: string }).code ?? '')))
  )
    return config(
      `the endpoint does not answer (${describeError(error)}): check AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_S3) and the network`,
    );
  return new PublisherError('E_STORE', `${before} failed: ${describeError(error)}`, { cause: error });
}
