import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { EXIT_CODES } from '../../../src/core/errors.js';
import { createMemoryLogger } from '../../../src/core/log.js';
import { withTargetLock } from '../../../src/publish/catalog/index.js';
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
import { describe, expect, it, test } from '../../helpers/fixtures.js';

let work: string;
let licensePath: string;
const T1 = '2026-10-02T03:00:00.000Z';

test.beforeAll(async ({ fileTmp }) => {
  work = fileTmp;
  licensePath = await writeLicense(join(work, 'license'));
});

describe('publishing to S3 (s3rver)', () => {
  it('serves each object with its Content-Type, Cache-Control, licence and sha256 metadata', async ({ s3 }) => {
    const store = s3.store('headers/');
    const release = await makeRelease(join(work, 'headers'), [{ quarter: { year: 2026, quarter: 3 } }]);
    await publishLocked(store, release, { logger: quietLogger, dryRun: false, licensePath, now: fixedClock(T1) });
    await expectCatalogInvariants(store, ['cli-usage 2026-Q3']);
    const head = (key: string) =>
      store.client.send(new HeadObjectCommand({ Bucket: s3.server.bucket, Key: `headers/${key}` }));
    const tsv = await head('cli-usage-2026-q3.tsv');
    expect(tsv).toMatchObject({
      ContentType: 'text/tab-separated-values; charset=utf-8',
      CacheControl: 'public, max-age=86400',
      Metadata: {
        license: 'CC-BY-4.0',
        'license-url': 'https://creativecommons.org/licenses/by/4.0/',
        sha256: release.files[0]!.sha256,
      },
    });
    expect(await head('index.json')).toMatchObject({
      ContentType: 'application/json',
      CacheControl: 'no-cache',
      Metadata: { license: 'CC-BY-4.0' },
    });
    expect(await head('CHANGELOG.md')).toMatchObject({ ContentType: 'text/markdown; charset=utf-8' });
    expect(await head('cli-usage-2026-q3.privacy.json')).toMatchObject({
      ContentType: 'application/json',
      CacheControl: 'public, max-age=86400',
    });
  });

  it('uploads nothing when run again over the same release', async ({ s3 }) => {
    const store = s3.store('rerun/');
    const release = await makeRelease(join(work, 'rerun'), [{ quarter: { year: 2026, quarter: 3 } }]);
    await publishLocked(store, release, { logger: quietLogger, dryRun: false, licensePath, now: fixedClock(T1) });
    const before = await snapshot(store);
    const outcome = await publishLocked(store, release, {
      logger: quietLogger,
      dryRun: false,
      licensePath,
      now: fixedClock('2027-01-01T00:00:00Z'),
    });
    expect(outcome).toMatchObject({ written: [], catalogChanged: false });
    expect(await snapshot(store)).toEqual(before);
  });

  it('refuses a concurrent run in another process with exit code E_LOCKED and a message naming the holder', async ({
    s3,
  }) => {
    const store = s3.store('concurrent/');
    const release = await makeRelease(join(work, 'concurrent'), [{ quarter: { year: 2026, quarter: 3 } }]);
    const holder = 'nightly cron on publisher-1 pid 4711 started 2026-10-02T03:00:00Z';
    const result = await withTargetLock(store, { logger: createMemoryLogger(), holder, settleMs: 20 }, async () => {
      const child = await startPublishChild(
        work,
        {
          target: `s3://${s3.server.bucket}/concurrent`,
          release,
          licensePath,
          now: T1,
          runId: 'second',
          holder: 'second run',
          lockTtlSeconds: 60,
        },
        s3.server.env,
      );
      return child.exited;
    });
    expect(result.code).toBe(EXIT_CODES.E_LOCKED);
    expect(result.stderr).toContain(`target s3://${s3.server.bucket}/concurrent/ is locked by another run: ${holder}`);
    expect(await store.head('index.json')).toBeUndefined();
  });
});
