import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateMultipartUploadCommand, HeadObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { onTestFinished } from 'vitest';
import { createMemoryLogger } from '../../../src/core/log.js';
import { openStore, parseS3Location, resolveS3Settings, type S3Store } from '../../../src/publish/store/index.js';
import { startFaultProxy } from '../../helpers/fault-proxy.js';
import { describe, expect, it } from '../../helpers/fixtures.js';
import { sha256 } from '../../helpers/hash.js';

/** A store the test opens itself (not through the `s3` fixture), destroyed when the test ends. */
function destroyedAfter(store: S3Store): S3Store {
  onTestFinished(() => store.destroy());
  return store;
}

describe('S3Store against s3rver', () => {
  it('puts bytes with Content-Type, Cache-Control and metadata (sha256, licence) and reads them back', async ({
    s3,
  }) => {
    const store = s3.store('pub/');
    const info = await store.putBytes('cli-usage-2026-q3.tsv', 'a\tb\n', {
      contentType: 'text/tab-separated-values; charset=utf-8',
      cacheControl: 'public, max-age=86400',
      metadata: { license: 'CC-BY-4.0' },
    });
    expect(info.sha256).toBe(sha256('a\tb\n'));
    const raw = await store.client.send(
      new HeadObjectCommand({ Bucket: s3.server.bucket, Key: 'pub/cli-usage-2026-q3.tsv' }),
    );
    expect(raw.ContentType).toBe('text/tab-separated-values; charset=utf-8');
    expect(raw.CacheControl).toBe('public, max-age=86400');
    expect(raw.Metadata).toEqual({ license: 'CC-BY-4.0', sha256: sha256('a\tb\n') });
    expect(await store.head('cli-usage-2026-q3.tsv')).toMatchObject({
      bytes: 4,
      sha256: sha256('a\tb\n'),
      contentType: raw.ContentType,
    });
    expect((await store.getBytes('cli-usage-2026-q3.tsv'))?.toString()).toBe('a\tb\n');
    expect(store.describe('x.tsv')).toBe(`s3://${s3.server.bucket}/pub/x.tsv`);
  });

  it('answers absent objects with undefined (head, getBytes) or E_STORE (download)', async ({ s3, tmp }) => {
    const store = s3.store('pub/');
    expect(await store.head('absent.tsv')).toBeUndefined();
    expect(await store.getBytes('absent.tsv')).toBeUndefined();
    await expect(store.download('absent.tsv', join(tmp, 'absent.tsv'))).rejects.toMatchObject({
      code: 'E_STORE',
      message: expect.stringContaining(`s3://${s3.server.bucket}/pub/absent.tsv`),
    });
  });

  it('uploads a large file in parts, keeps its sha256 in metadata and downloads it byte for byte', async ({
    s3,
    tmp,
  }) => {
    const proxy = await startFaultProxy(s3.server.endpoint); // no faults: it only records the requests
    onTestFinished(() => proxy.stop());
    const store = s3.store('pub/', { endpoint: proxy.endpoint, partSizeBytes: 5 * 1024 * 1024 });
    const body = Buffer.alloc(12 * 1024 * 1024 + 17);
    for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
    const source = join(tmp, 'large.tsv');
    await writeFile(source, body);
    const info = await store.putFile('large.tsv', source, {
      contentType: 'text/tab-separated-values; charset=utf-8',
      metadata: { sha256: sha256(body) },
    });
    expect(info).toMatchObject({ bytes: body.length, sha256: sha256(body) });
    // Three parts of 5 MiB, 5 MiB and the rest: it really went multipart.
    expect(proxy.requests.filter((seen) => seen.query.includes('partNumber')).map((seen) => seen.method)).toEqual([
      'PUT',
      'PUT',
      'PUT',
    ]);
    await store.download('large.tsv', join(tmp, 'copy', 'large.tsv'));
    expect(sha256(await readFile(join(tmp, 'copy', 'large.tsv')))).toBe(sha256(body));
    await proxy.stop();
    expect(await s3.server.pendingUploads()).toEqual([]);
  });

  it('refuses to upload a file whose declared sha256 is wrong', async ({ s3, tmp }) => {
    const store = s3.store('pub/');
    const source = join(tmp, 'wrong.tsv');
    await writeFile(source, 'real');
    await expect(
      store.putFile('wrong.tsv', source, { contentType: 'text/plain', metadata: { sha256: sha256('declared') } }),
    ).rejects.toMatchObject({
      code: 'E_STORE',
      message: expect.stringMatching(/declared sha256 .* does not match/),
    });
    expect(await store.head('wrong.tsv')).toBeUndefined();
  });

  it('lists keys under the store prefix and a list prefix, relative to the store, sorted', async ({ s3 }) => {
    const store = s3.store('listing/');
    for (const key of ['day=2026-01-02/b.ndjson', 'day=2026-01-01/a.ndjson', 'z.txt'])
      await store.putBytes(key, key, { contentType: 'text/plain' });
    await s3.store('other/').putBytes('day=2026-01-01/elsewhere.ndjson', 'x', { contentType: 'text/plain' });
    expect((await store.list('')).map((o) => o.key)).toEqual([
      'day=2026-01-01/a.ndjson',
      'day=2026-01-02/b.ndjson',
      'z.txt',
    ]);
    expect(await store.list('day=2026-01-01/')).toEqual([
      { key: 'day=2026-01-01/a.ndjson', bytes: 'day=2026-01-01/a.ndjson'.length },
    ]);
    await store.delete('z.txt');
    expect((await store.list('')).map((o) => o.key)).not.toContain('z.txt');
  });

  it('aborts multipart uploads left under its prefix before a given time, and only those', async ({ s3 }) => {
    const store = s3.store('aborts/');
    const start = async (key: string): Promise<string> => {
      const created = await store.client.send(new CreateMultipartUploadCommand({ Bucket: s3.server.bucket, Key: key }));
      await store.client.send(
        new UploadPartCommand({
          Bucket: s3.server.bucket,
          Key: key,
          UploadId: created.UploadId,
          PartNumber: 1,
          Body: Buffer.alloc(1024),
        }),
      );
      return created.UploadId!;
    };
    const abandoned = await start('aborts/big.tsv');
    const elsewhere = await start('not-ours/big.tsv');
    await new Promise((done) => setTimeout(done, 1100)); // s3rver's Initiated has one-second resolution
    const cutoff = new Date();
    await new Promise((done) => setTimeout(done, 1100));
    const current = await start('aborts/current.tsv');
    const aborted = await store.abortIncompleteWrites(cutoff);
    expect(aborted).toEqual([expect.stringContaining(`s3://${s3.server.bucket}/aborts/big.tsv (upload ${abandoned}`)]);
    expect((await s3.server.pendingUploads()).sort()).toEqual([current, elsewhere].sort());
  });
});

describe('S3 locations and settings', () => {
  it('parses s3://bucket/prefix and names what is wrong with a bad location', () => {
    expect(parseS3Location('s3://my-bucket')).toEqual({ bucket: 'my-bucket', prefix: '' });
    expect(parseS3Location('s3://my-bucket/')).toEqual({ bucket: 'my-bucket', prefix: '' });
    expect(parseS3Location('s3://my.bucket/usage/cli')).toEqual({ bucket: 'my.bucket', prefix: 'usage/cli/' });
    expect(() => parseS3Location('s3://')).toThrow('target `s3://` needs a bucket: got "s3://"');
    expect(() => parseS3Location('s3:///prefix')).toThrow('needs a bucket');
    expect(() => parseS3Location('s3://My_Bucket/x')).toThrow(
      /bucket "My_Bucket" .* must be 3 to 63 lower-case letters/,
    );
    expect(() => parseS3Location('s3://bucket//x')).toThrow(/prefix "\/x" .* not usable/);
    expect(() => parseS3Location('s3://bucket/a/../b')).toThrow(/not usable/);
    expect(() => parseS3Location('s3://bucket/x?versionId=1')).toThrow(/no query or fragment/);
    expect(() => openStore('S3:/bucket')).toThrow(/must look like s3:\/\/bucket/);
  });

  it('takes the endpoint from the option, then AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL; path style from either source', () => {
    expect(resolveS3Settings({}, {})).toEqual({ forcePathStyle: false });
    expect(
      resolveS3Settings({}, { AWS_ENDPOINT_URL: 'http://a:9000', AWS_ENDPOINT_URL_S3: 'http://s3:9000' }).endpoint,
    ).toBe('http://s3:9000');
    expect(resolveS3Settings({ endpoint: 'https://e.example' }, { AWS_ENDPOINT_URL: 'http://a:9000' }).endpoint).toBe(
      'https://e.example',
    );
    expect(resolveS3Settings({ forcePathStyle: false }, { S3_FORCE_PATH_STYLE: 'true' }).forcePathStyle).toBe(true);
    expect(resolveS3Settings({ forcePathStyle: true }, {}).forcePathStyle).toBe(true);
    expect(resolveS3Settings({ region: 'auto' }, {}).region).toBe('auto');
    expect(() => resolveS3Settings({}, { S3_FORCE_PATH_STYLE: 'maybe' })).toThrow(
      'environment variable S3_FORCE_PATH_STYLE must be true or false, got "maybe"',
    );
    expect(() => resolveS3Settings({ endpoint: 'minio:9000' }, {})).toThrow(/must be an http\(s\) URL/);
    const secret = 'http://AKIA:verysecret@minio:9000';
    expect(() => resolveS3Settings({ endpoint: secret }, {})).toThrow(/must not contain credentials/);
    expect(() => resolveS3Settings({ endpoint: secret }, {})).not.toThrow(/verysecret/);
  });

  it('configures the client: endpoint, path style, region fallback, retries and timeouts', async ({ s3, tmp }) => {
    const store = openStore(
      's3://bucket/p',
      { logger: createMemoryLogger() },
      { AWS_ENDPOINT_URL: s3.server.endpoint, S3_FORCE_PATH_STYLE: 'true' },
    ) as S3Store;
    destroyedAfter(store);
    expect(store.prefix).toBe('p/');
    expect(store.client.config.forcePathStyle).toBe(true);
    expect(await store.client.config.maxAttempts()).toBe(5);
    const virtualHosted = openStore('s3://bucket', { region: 'eu-west-3' }, {}) as S3Store;
    destroyedAfter(virtualHosted);
    expect(virtualHosted.client.config.forcePathStyle).toBe(false);
    expect(await virtualHosted.client.config.region()).toBe('eu-west-3');
    // No region anywhere in the standard chain: us-east-1, which most S3-compatible stores expect.
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[name];
    process.env.AWS_CONFIG_FILE = join(tmp, 'no-such-config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(tmp, 'no-such-credentials');
    const fallback = openStore('s3://bucket', {}, {}) as S3Store;
    destroyedAfter(fallback);
    expect(await fallback.client.config.region()).toBe('us-east-1');
    process.env.AWS_REGION = 'ap-southeast-2';
    const fromChain = openStore('s3://bucket', {}, {}) as S3Store;
    destroyedAfter(fromChain);
    expect(await fromChain.client.config.region()).toBe('ap-southeast-2');
    expect(() => openStore('s3://bucket', { partSizeBytes: 1024 }, {})).toThrow(
      'S3 option `partSizeBytes` must be an integer of at least 5242880',
    );
    expect(() => openStore('s3://bucket', { maxAttempts: 0 }, {})).toThrow(
      'S3 option `maxAttempts` must be an integer from 1 up, got 0',
    );
  });
});
