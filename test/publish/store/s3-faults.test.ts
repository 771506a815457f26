import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPublisherError } from '../../../src/core/errors.js';
import { createMemoryLogger } from '../../../src/core/log.js';
import { S3Store } from '../../../src/publish/store/index.js';
import { FAULTS, type FaultProxy, startFaultProxy } from '../../helpers/fault-proxy.js';
import { describe, expect, it, test } from '../../helpers/fixtures.js';
import { sha256 } from '../../helpers/hash.js';
import type { S3Server } from '../../helpers/s3-server.js';

/**
 * Transient faults between the store and a real S3 server are retried; a persistent one becomes E_STORE
 * with the cause kept. The proxy injects each fault into real HTTP traffic.
 */
const TSV = { contentType: 'text/tab-separated-values; charset=utf-8', cacheControl: 'public, max-age=86400' };

let server: S3Server;
let proxy: FaultProxy;
let work: string;
let store: S3Store;
let logger: ReturnType<typeof createMemoryLogger>;

test.beforeEach(async ({ s3, tmp }) => {
  server = s3.server;
  work = tmp;
  proxy = await startFaultProxy(server.endpoint, { lifetimeMs: 60_000 });
  logger = createMemoryLogger();
  store = s3.store('faults/', {
    endpoint: proxy.endpoint,
    partSizeBytes: 5 * 1024 * 1024,
    maxAttempts: 4,
    socketTimeoutMs: 800,
    connectionTimeoutMs: 1000,
    logger,
  });
});
test.afterEach(async () => {
  await proxy.stop();
});

const attemptsOn = (method: string, key: string): number =>
  proxy.requests.filter((seen) => seen.method === method && seen.key === key).length;

describe('transient faults are retried', () => {
  it('retries HTTP 500 on PUT and logs that retries were needed', async () => {
    proxy.inject(FAULTS.internalError, { times: 2, match: { method: 'PUT', key: 'faults/a.tsv' } });
    await store.putBytes('a.tsv', 'a\n', TSV);
    expect(attemptsOn('PUT', 'faults/a.tsv')).toBe(3);
    expect((await store.head('a.tsv'))?.sha256).toBe(sha256('a\n'));
    expect(logger.lines.some((line) => line.includes('succeeded after retries') && line.includes('attempts=3'))).toBe(
      true,
    );
  });

  it('retries 503 SlowDown (throttling) on HEAD', async () => {
    await store.putBytes('slow.tsv', 'x', TSV);
    proxy.inject(FAULTS.slowDown, { times: 2, match: { method: 'HEAD' } });
    expect((await store.head('slow.tsv'))?.bytes).toBe(1);
    expect(attemptsOn('HEAD', 'faults/slow.tsv')).toBe(3);
  });

  it('retries a connection reset in the middle of an upload body', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 'r');
    proxy.inject(FAULTS.reset, { times: 1, match: { method: 'PUT', key: 'faults/reset.tsv' } });
    await store.putBytes('reset.tsv', body, TSV);
    expect(proxy.requests.filter((seen) => seen.key === 'faults/reset.tsv').map((seen) => seen.fault ?? 'ok')).toEqual([
      'reset',
      'ok',
    ]);
    expect(sha256((await store.getBytes('reset.tsv'))!)).toBe(sha256(body));
  });

  it('retries a connection reset in the middle of a download body (the SDK does not)', async () => {
    const body = Buffer.alloc(1024 * 1024, 'd');
    await store.putBytes('download.tsv', body, TSV);
    proxy.inject(FAULTS.reset, { times: 2, match: { method: 'GET', key: 'faults/download.tsv' } });
    expect(sha256((await store.getBytes('download.tsv'))!)).toBe(sha256(body));
    proxy.inject(FAULTS.reset, { times: 1, match: { method: 'GET', key: 'faults/download.tsv' } });
    await store.download('download.tsv', join(work, 'download.tsv'));
    expect(sha256(await readFile(join(work, 'download.tsv')))).toBe(sha256(body));
    expect(logger.lines.filter((line) => line.includes('reading an object failed; retrying'))).toHaveLength(3);
  });

  it('gives up on a stalled request after the socket timeout and retries it', async () => {
    proxy.inject({ kind: 'stall', ms: 10_000 }, { times: 1, match: { method: 'PUT', key: 'faults/stall.tsv' } });
    const started = Date.now();
    await store.putBytes('stall.tsv', 'stalled once', TSV);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(proxy.requests.filter((seen) => seen.key === 'faults/stall.tsv').map((seen) => seen.fault ?? 'ok')).toEqual([
      'stall',
      'ok',
    ]);
  });

  it('survives 500s, a reset and a stall among the parts of a multipart upload', async () => {
    const body = Buffer.alloc(11 * 1024 * 1024, 'm');
    const source = join(work, 'multi.tsv');
    await writeFile(source, body);
    proxy.inject(FAULTS.internalError, { times: 1, match: { query: 'partNumber' } });
    proxy.inject(FAULTS.reset, { times: 1, match: { query: 'partNumber' } });
    proxy.inject({ kind: 'stall', ms: 10_000 }, { times: 1, match: { query: 'partNumber' } });
    const info = await store.putFile('multi.tsv', source, TSV);
    expect(info.sha256).toBe(sha256(body));
    expect(proxy.pendingFaults()).toBe(0);
    expect(await store.head('multi.tsv')).toMatchObject({ bytes: body.length, sha256: sha256(body) });
    expect(await server.pendingUploads()).toEqual([]);
  });
});

describe('persistent faults fail with E_STORE', () => {
  it('names the operation, the object and the cause, and keeps the SDK error as cause', async () => {
    await store.putBytes('kept.tsv', 'before', TSV);
    proxy.inject(FAULTS.internalError, { times: 50, match: { method: 'PUT' } });
    const error = await store.putBytes('kept.tsv', 'after', TSV).catch((caught: unknown) => caught);
    expect(isPublisherError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'E_STORE' });
    expect((error as Error).message).toMatch(
      /^S3 PUT s3:\/\/telemetry-test\/faults\/kept\.tsv failed after 4 attempts: InternalError HTTP 500/,
    );
    expect((error as Error).cause).toMatchObject({ name: 'InternalError' });
    expect(attemptsOn('PUT', 'faults/kept.tsv')).toBe(5); // 1 before + 4 attempts
    expect((await store.getBytes('kept.tsv'))?.toString()).toBe('before');
  });

  it('aborts a multipart upload that cannot finish, leaving no parts behind', async () => {
    const source = join(work, 'doomed.tsv');
    await writeFile(source, Buffer.alloc(11 * 1024 * 1024, 'z'));
    proxy.inject(FAULTS.internalError, { times: 50, match: { query: 'partNumber' } });
    await expect(store.putFile('doomed.tsv', source, TSV)).rejects.toMatchObject({
      code: 'E_STORE',
      message: expect.stringContaining('S3 upload s3://telemetry-test/faults/doomed.tsv failed'),
    });
    expect(await store.head('doomed.tsv')).toBeUndefined();
    expect(await server.pendingUploads()).toEqual([]);
    expect(logger.lines.some((line) => line.includes('aborted the failed multipart upload'))).toBe(true);
  });

  it('fails a read whose body keeps breaking after maxAttempts', async () => {
    await store.putBytes('broken.tsv', Buffer.alloc(64 * 1024, 'b'), TSV);
    proxy.inject(FAULTS.reset, { times: 50, match: { method: 'GET' } });
    await expect(store.getBytes('broken.tsv')).rejects.toMatchObject({
      code: 'E_STORE',
      message: expect.stringMatching(/^S3 GET s3:\/\/telemetry-test\/faults\/broken\.tsv failed after 4 attempts/),
    });
  });
});

// A rerun cannot fix refused credentials or a bucket that does not exist: those are configuration
// errors (exit 3) that say what to check, not storage failures (exit 7, "rerun").
describe('access denied and a missing bucket are configuration errors', () => {
  const DENIED = { kind: 'status', status: 403, code: 'AccessDenied' } as const;

  it.each([
    ['PUT', 'faults/denied.tsv', () => store.putBytes('denied.tsv', 'x', TSV), 's3:PutObject'],
    ['GET', 'faults/denied.tsv', () => store.getBytes('denied.tsv'), 's3:GetObject'],
    ['LIST', '', () => store.list('some/'), 's3:ListBucket'],
  ] as const)(
    '403 AccessDenied on %s names the object, the permission and that a rerun will not help',
    async (method, key, call, permission) => {
      proxy.inject(DENIED, { match: { method: method === 'LIST' ? 'GET' : method, key } });
      const error = (await call().catch((caught: unknown) => caught)) as Error & { code: string };
      expect(error).toMatchObject({ code: 'E_CONFIG' });
      const where = method === 'LIST' ? 's3://telemetry-test/faults/some/' : 's3://telemetry-test/faults/denied.tsv';
      expect(error.message).toContain(`S3 ${method} ${where} failed after 1 attempt: AccessDenied HTTP 403`);
      expect(error.message).toContain(
        `Access denied: the credentials (standard AWS chain) are invalid or lack ${permission} on ${where}`,
      );
      expect(error.message).toMatch(/see the minimum IAM policy in docs\/publishing\.md\. A rerun will not help/);
      expect(proxy.requests.filter((seen) => seen.fault)).toHaveLength(1); // not retried
    },
  );

  it('a missing bucket is not read as "no such object": every operation names the bucket', async () => {
    const missing = new S3Store({
      bucket: 'no-such-bucket',
      prefix: 'usage/',
      endpoint: server.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: server.credentials,
      maxAttempts: 2,
    });
    try {
      for (const call of [
        () => missing.getBytes('index.json'),
        () => missing.putBytes('index.json', '{}', TSV),
        () => missing.list(''),
      ]) {
        const error = (await call().then(
          (value) => ({ resolved: value }),
          (caught: unknown) => caught,
        )) as Error & { code: string };
        expect(error).toMatchObject({ code: 'E_CONFIG' });
        expect(error.message).toMatch(
          /^S3 (GET|PUT|LIST) s3:\/\/no-such-bucket\/usage\/(index\.json)? failed after 1 attempt: NoSuchBucket HTTP 404: .*The bucket "no-such-bucket" does not exist at this endpoint: check the location \(s3:\/\/no-such-bucket\/usage\/\), AWS_ENDPOINT_URL and AWS_REGION$/,
        );
      }
    } finally {
      missing.destroy();
    }
  });
});
