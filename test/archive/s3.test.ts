import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inputOf, openArchive } from '../../src/archive/index.js';
import { stageS3Archive } from '../../src/archive/s3.js';
import { createMemoryLogger } from '../../src/core/log.js';
import { openDuck } from '../../src/engine/duck.js';
import { ingestEvents } from '../../src/ingest/index.js';
import { type OpenStoreOptions, S3Store } from '../../src/publish/store/index.js';
import { machines } from '../helpers/archive.js';
import { cli } from '../helpers/cli.js';
import { FAULTS, type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { type S3Server, startS3Server } from '../helpers/s3-server.js';

// Staging an S3 archive against a real S3 server (s3rver), with faults injected by a proxy: a listing
// or a download that fails, access denied, a missing bucket. Each is E_ARCHIVE naming the object or
// prefix, and nothing is published.
const DAY = '2026-07-01';
const NAMES = ['commands.ndjson', '*.ndjson', '[c]ommands.ndjson', 'q?.ndjson', 'qx.jsonl'];
let server: S3Server;
let proxy: FaultProxy;
let work: string;
const logger = createMemoryLogger();
const lines = (prefix: string) =>
  `${machines(4, prefix)
    .map((e) => JSON.stringify(e))
    .join('\n')}\n`;

beforeAll(async () => {
  server = await startS3Server();
  const store = new S3Store({
    bucket: server.bucket,
    prefix: 'events/',
    endpoint: server.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: server.credentials,
  });
  for (const [index, name] of NAMES.entries())
    await store.putBytes(`date=${DAY}/${name}`, lines(`s${index}-`), { contentType: 'application/x-ndjson' });
  store.destroy();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(async () => {
  proxy = await startFaultProxy(server.endpoint, { lifetimeMs: 60_000 });
  work = await mkdtemp(join(tmpdir(), 'tp-s3-archive-'));
});
afterEach(async () => {
  await proxy.stop();
  await rm(work, { recursive: true, force: true });
});

const options = (): OpenStoreOptions => ({
  endpoint: proxy.endpoint,
  forcePathStyle: true,
  region: 'us-east-1',
  credentials: server.credentials,
  maxAttempts: 2,
  socketTimeoutMs: 800,
  connectionTimeoutMs: 1000,
});
const stage = (location = `s3://${server.bucket}/events`) => openArchive(location, [DAY], work, logger, options());
const objectUrl = (name: string) => `s3://${server.bucket}/events/date=${DAY}/${name}`;

describe('staging an S3 archive', () => {
  it('reads each object once, whatever characters its key holds, and records its own name', async () => {
    const files = await stage();
    expect(files.map(inputOf).map((input) => input.path)).toEqual(NAMES.map((name) => `date=${DAY}/${name}`).sort());
    expect(files.map((file) => file.source)).toEqual(NAMES.map(objectUrl).sort());
    const duck = await openDuck();
    try {
      const ingested = await ingestEvents(duck, files, { temporary: true }, logger);
      expect(ingested.eventsRead).toBe(4 * NAMES.length);
    } finally {
      duck.close();
    }
  });

  it('a listing that keeps failing names the prefix', async () => {
    proxy.inject(FAULTS.internalError, { match: { method: 'GET', query: 'list-type' } });
    await expect(stage()).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringContaining(`S3 archive: listing s3://${server.bucket}/events/date=${DAY}/ failed`),
    });
  });

  it('access denied on one object names that object', async () => {
    proxy.inject(
      { kind: 'status', status: 403, code: 'AccessDenied' },
      { match: { method: 'GET', key: `events/date=${DAY}/q?.ndjson` } },
    );
    await expect(stage()).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringMatching(/S3 archive: downloading \S*q\?\.ndjson failed.*AccessDenied/),
    });
  });

  it('after a failed download, starts no other and lets none run on into the removed work folder', async () => {
    proxy.inject(
      { kind: 'status', status: 403, code: 'AccessDenied' },
      { match: { method: 'GET', key: `events/date=${DAY}/*.ndjson` } },
    );
    const store = new S3Store({ ...options(), bucket: server.bucket, prefix: 'events/' });
    try {
      // One download at a time: the first object listed fails, the other four must never be fetched.
      const failed = await stageS3Archive(store, [DAY], join(work, 'staging'), logger, 1).catch(
        (error: Error) => error,
      );
      expect(failed).toMatchObject({ code: 'E_ARCHIVE' });
      await new Promise((settle) => setTimeout(settle, 300));
      const downloads = proxy.requests.filter((seen) => seen.method === 'GET' && seen.key.startsWith('events/date='));
      expect(downloads.map((seen) => seen.key)).toEqual([`events/date=${DAY}/*.ndjson`]);
    } finally {
      store.destroy();
    }
  });

  it('a download reset every time names the object', async () => {
    proxy.inject(FAULTS.reset, { match: { method: 'GET', key: `events/date=${DAY}/commands.ndjson` } });
    await expect(stage()).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringContaining(`S3 archive: downloading ${objectUrl('commands.ndjson')} failed`),
    });
  });

  it('a missing bucket names the bucket', async () => {
    await expect(stage('s3://no-such-bucket/events')).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringMatching(/listing s3:\/\/no-such-bucket\/events\/date=2026-07-01\/ failed.*NoSuchBucket/),
    });
  });
});

describe('publishing from an S3 archive that fails while staging', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('exits 4 naming the object, and publishes nothing', async () => {
    Object.assign(process.env, server.env, { AWS_ENDPOINT_URL: proxy.endpoint, TP_S3_FORCE_PATH_STYLE: 'true' });
    proxy.inject(
      { kind: 'status', status: 403, code: 'AccessDenied' },
      { match: { method: 'GET', key: `events/date=${DAY}/qx.jsonl` } },
    );
    const target = await mkdtemp(join(work, 'target-'));
    try {
      const run = await cli([
        'publish',
        '--archive',
        `s3://${server.bucket}/events`,
        '--target',
        target,
        '--quarter',
        '2026-Q3',
        '--k',
        '2',
      ]);
      expect(run.code, run.log.join('\n')).toBe(4);
      expect(run.log.join('\n')).toContain(`downloading ${objectUrl('qx.jsonl')} failed`);
      expect((await readdir(target)).filter((name) => !name.startsWith('.'))).toEqual([]);
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });
});
