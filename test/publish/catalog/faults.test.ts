import { join } from 'node:path';
import { createMemoryLogger } from '../../../src/core/log.js';
import type { ReleaseWithChangelog } from '../../../src/core/release.js';
import type { PublishOptions } from '../../../src/publish/catalog/index.js';
import type { S3Store } from '../../../src/publish/store/index.js';
import {
  expectCatalogInvariants,
  fixedClock,
  makeRelease,
  publishLocked,
  quietLogger,
  snapshot,
  writeLicense,
} from '../../helpers/catalog-fixture.js';
import { startPublishChild } from '../../helpers/child-process.js';
import { FAULTS, type FaultProxy, startFaultProxy } from '../../helpers/fault-proxy.js';
import { describe, expect, it, type S3Fixture, test } from '../../helpers/fixtures.js';
import type { S3Server } from '../../helpers/s3-server.js';

/**
 * Faults injected between the job and a real S3 server (s3rver) by the fault proxy, and `kill -9` of a
 * publishing process. After each: the catalog invariants hold (it lists only objects that are there
 * with its checksums, and never fewer quarters than before), and a rerun converges to the same bytes
 * as a run that met no fault.
 */
const Q3 = { year: 2026, quarter: 3 } as const;
const Q4 = { year: 2026, quarter: 4 } as const;
const T1 = '2026-10-02T03:00:00.000Z';
const T2 = '2027-01-02T03:00:00.000Z';
const PART = 5 * 1024 * 1024;

let s3: S3Fixture;
let server: S3Server;
let proxy: FaultProxy;
let work: string;
let licensePath: string;
let first: ReleaseWithChangelog; // Q3, small
let second: ReleaseWithChangelog; // Q4, large enough for a multipart upload
let reference: Record<string, string>; // the target after both releases and no fault

/** A store through the fault proxy (or `endpoint`), with few attempts and short timeouts so faults show fast. */
function tunedStore(prefix: string, endpoint = proxy.endpoint, logger = quietLogger): S3Store {
  return s3.store(prefix, {
    endpoint,
    maxAttempts: 4,
    socketTimeoutMs: 1_000,
    connectionTimeoutMs: 1_000,
    partSizeBytes: PART,
    logger,
  });
}

const options = (now: string, logger = quietLogger): PublishOptions => ({
  logger,
  dryRun: false,
  licensePath,
  now: fixedClock(now),
  runId: `run-${now}`,
});

test.beforeAll(async ({ s3: fixture, fileTmp }) => {
  s3 = fixture;
  server = s3.server;
  proxy = await startFaultProxy(server.endpoint, { lifetimeMs: 120_000 });
  work = fileTmp;
  licensePath = await writeLicense(join(work, 'license'));
  first = await makeRelease(join(work, 'first'), [{ quarter: Q3 }]);
  second = await makeRelease(join(work, 'second'), [{ quarter: Q4, rows: 400_000 }]); // ~12 MB: three parts
  const clean = tunedStore('reference/', server.endpoint);
  await publishLocked(clean, first, options(T1));
  await publishLocked(clean, second, options(T2));
  reference = await snapshot(clean);
});
test.afterEach(() => {
  proxy.clear();
});
test.afterAll(async () => {
  await proxy.stop();
});

describe('transient faults', () => {
  it('are retried at every step of a publication, which then ends as if nothing happened', async () => {
    const store = tunedStore('transient/');
    await publishLocked(store, first, options(T1));
    const logger = createMemoryLogger();
    proxy.inject(FAULTS.internalError, {
      times: 1,
      match: { method: 'PUT', key: 'transient/cli-usage-2026-q4.privacy.json' },
    });
    proxy.inject(FAULTS.slowDown, { times: 2, match: { method: 'HEAD' } });
    proxy.inject(FAULTS.reset, { times: 1, match: { query: 'partNumber' } });
    proxy.inject(
      { kind: 'stall', ms: 10_000 },
      { times: 1, match: { method: 'PUT', key: 'transient/cli-usage-latest.tsv' } },
    );
    proxy.inject(FAULTS.reset, { times: 1, match: { method: 'GET', key: 'transient/index.json' } });
    proxy.inject(FAULTS.internalError, { times: 2, match: { method: 'PUT', key: 'transient/index.json' } });
    const outcome = await publishLocked(store, second, options(T2, logger));
    expect(proxy.pendingFaults()).toBe(0);
    expect(outcome.catalogChanged).toBe(true);
    await expectCatalogInvariants(store, ['cli-usage 2026-Q3', 'cli-usage 2026-Q4']);
    expect(await snapshot(store)).toEqual(reference);
    expect(await server.pendingUploads()).toEqual([]);
  });
});

describe('persistent faults', () => {
  it('fail the run with E_STORE when index.json cannot be written, leaving the previous catalog; a rerun converges', async () => {
    const store = tunedStore('index-fails/');
    await publishLocked(store, first, options(T1));
    const before = await store.getBytes('index.json');
    proxy.inject(FAULTS.internalError, { times: 100, match: { method: 'PUT', key: 'index-fails/index.json' } });
    await expect(publishLocked(store, second, options(T2))).rejects.toMatchObject({
      code: 'E_STORE',
      message: expect.stringMatching(
        /^S3 PUT s3:\/\/telemetry-test\/index-fails\/index\.json failed after 4 attempts: InternalError HTTP 500/,
      ),
    });
    expect(await store.getBytes('index.json')).toEqual(before);
    await expectCatalogInvariants(store, ['cli-usage 2026-Q3'], { complete: false });
    proxy.clear();
    const rerun = await publishLocked(store, second, options(T2));
    // Data and the other catalog files were already there; the latest copy follows index.json.
    expect(rerun.written.map((object) => object.key)).toEqual(['index.json', 'cli-usage-latest.tsv']);
    expect(await snapshot(store)).toEqual(reference);
  });

  it('fail the run when a data upload cannot finish, with the catalog untouched and no parts left behind', async () => {
    const store = tunedStore('data-fails/');
    await publishLocked(store, first, options(T1));
    const before = await snapshot(store);
    proxy.inject(FAULTS.internalError, { times: 100, match: { query: 'partNumber' } });
    await expect(publishLocked(store, second, options(T2))).rejects.toMatchObject({
      code: 'E_STORE',
      message: expect.stringContaining('S3 upload s3://telemetry-test/data-fails/cli-usage-2026-q4.tsv failed'),
    });
    const after = await snapshot(store);
    for (const key of Object.keys(before)) expect(after[key], key).toBe(before[key]);
    await expectCatalogInvariants(store, ['cli-usage 2026-Q3']);
    expect(await server.pendingUploads()).toEqual([]);
    proxy.clear();
    await publishLocked(store, second, options(T2));
    expect(await snapshot(store)).toEqual(reference);
  });
});

describe('kill -9', () => {
  const killWhen = async (prefix: string, arm: () => Promise<unknown>): Promise<void> => {
    const child = await startPublishChild(
      work,
      {
        target: `s3://${server.bucket}/${prefix}`,
        release: second,
        licensePath,
        now: T2,
        runId: `killed-${prefix}`,
        holder: `killed run ${prefix}`,
        lockTtlSeconds: 600, // unexpired when the next run starts: it must see the holder is gone
        partSizeBytes: PART,
        socketTimeoutMs: 20_000,
      },
      { ...server.env, AWS_ENDPOINT_URL: proxy.endpoint },
    );
    try {
      await arm();
    } finally {
      child.process.kill('SIGKILL');
    }
    expect((await child.exited).signal).toBe('SIGKILL');
  };

  const convergesOnTheNextRun = async (store: S3Store, prefix: string): Promise<void> => {
    // The killed run's lock is still there and unexpired, but its process on this host is gone: the
    // next run takes it over at once and says so (an expired lock is taken over too, see lock.test.ts).
    const logger = createMemoryLogger();
    await publishLocked(store, second, options(T2, logger));
    expect(logger.lines).toContainEqual(expect.stringContaining(`took over a stale lock of killed run ${prefix}`));
    await expectCatalogInvariants(store, ['cli-usage 2026-Q3', 'cli-usage 2026-Q4']);
    expect(await snapshot(store)).toEqual(reference);
    expect(await server.pendingUploads()).toEqual([]);
  };

  it('in the middle of a multipart upload leaves the published state as before; the next run aborts the upload and completes', async () => {
    const prefix = 'killed-upload';
    const store = tunedStore(`${prefix}/`, server.endpoint);
    await publishLocked(store, first, options(T1));
    const before = await snapshot(store);
    proxy.throttle(2 * 1024 * 1024); // slow enough that the kill lands while parts are in flight
    await killWhen(prefix, async () => {
      await proxy.waitForRequest(
        { key: `${prefix}/cli-usage-2026-q4.tsv`, query: 'partNumber' },
        { timeoutMs: 20_000 },
      );
      await new Promise((done) => setTimeout(done, 300));
    });
    proxy.clear();
    expect(await server.pendingUploads()).toHaveLength(1); // the abandoned upload is really there
    const after = await snapshot(store);
    expect(after['index.json']).toBe(before['index.json']);
    expect(after['cli-usage-2026-q4.tsv']).toBeUndefined();
    await expectCatalogInvariants(store, ['cli-usage 2026-Q3']);
    await convergesOnTheNextRun(store, prefix);
  });

  it('while the catalog files are being written leaves index.json as before; the next run completes', async () => {
    const prefix = 'killed-catalog';
    const store = tunedStore(`${prefix}/`, server.endpoint);
    await publishLocked(store, first, options(T1));
    const before = await snapshot(store);
    proxy.inject({ kind: 'stall', ms: 30_000 }, { times: 1, match: { method: 'PUT', key: `${prefix}/README.md` } });
    await killWhen(prefix, () =>
      proxy.waitForRequest({ method: 'PUT', key: `${prefix}/README.md` }, { timeoutMs: 30_000 }),
    );
    proxy.clear();
    const after = await snapshot(store);
    expect(after['index.json']).toBe(before['index.json']);
    expect(after['cli-usage-2026-q4.tsv']).toBe(reference['cli-usage-2026-q4.tsv']); // data went first
    await expectCatalogInvariants(store, ['cli-usage 2026-Q3'], { complete: false });
    await convergesOnTheNextRun(store, prefix);
  });
});
