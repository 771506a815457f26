import { hostname } from 'node:os';
import { join } from 'node:path';
import { isPublisherError } from '../../../src/core/errors.js';
import { createMemoryLogger } from '../../../src/core/log.js';
import { publishRelease, withTargetLock } from '../../../src/publish/catalog/index.js';
import { LocalStore } from '../../../src/publish/store/local.js';
import { fixedClock, makeRelease, quietLogger, writeLicense } from '../../helpers/catalog-fixture.js';
import { describe, expect, it, test } from '../../helpers/fixtures.js';

let work: string;
let store: LocalStore;

test.beforeEach(({ tmp }) => {
  work = tmp;
  store = new LocalStore(join(work, 'target'));
});

const lockOptions = (holder: string, extra: Partial<Parameters<typeof withTargetLock>[1]> = {}) => ({
  logger: quietLogger,
  holder,
  settleMs: 30,
  ...extra,
});
const lockRecord = async (): Promise<Record<string, unknown> | undefined> => {
  const body = await store.getBytes('.publish-lock.json');
  return body ? (JSON.parse(body.toString()) as Record<string, unknown>) : undefined;
};

describe('the target lock', () => {
  it('refuses a second run with E_LOCKED and a message naming the holder (host, pid, start time)', async () => {
    let refused: unknown;
    await withTargetLock(store, lockOptions('cron on build-7 pid 4242 started 2026-10-02T03:00:00Z'), async () => {
      refused = await withTargetLock(new LocalStore(store.root), lockOptions('second run'), async () => 'ran').catch(
        (error: unknown) => error,
      );
    });
    expect(isPublisherError(refused) && refused.code).toBe('E_LOCKED');
    const message = (refused as Error).message;
    expect(message).toContain(
      `target ${store.root} is locked by another run: cron on build-7 pid 4242 started 2026-10-02T03:00:00Z`,
    );
    expect(message).toContain(`(host ${hostname()}, pid ${process.pid}, since `);
    expect(message).toMatch(/The lock expires at \d{4}-\d\d-\d\dT.*delete .*\.publish-lock\.json/);
    expect(await lockRecord()).toBeUndefined(); // released by the first run
  });

  it('lets exactly one of two runs that start at the same moment go on', async () => {
    for (let round = 0; round < 5; round++) {
      const ran: string[] = [];
      const results = await Promise.allSettled(
        ['a', 'b'].map((name) =>
          withTargetLock(new LocalStore(store.root), lockOptions(name, { settleMs: 100 }), async () => {
            ran.push(name);
            await new Promise((done) => setTimeout(done, 50));
          }),
        ),
      );
      expect(ran, `round ${round}`).toHaveLength(1);
      expect(
        results
          .filter((result) => result.status === 'rejected')
          .map((result) => (result as PromiseRejectedResult).reason.code),
      ).toEqual(['E_LOCKED']);
      expect(await lockRecord()).toBeUndefined();
    }
  });

  it('takes over a lock left by a crashed run once it has expired, and says so', async () => {
    await store.putBytes(
      '.publish-lock.json',
      JSON.stringify({
        holder: 'crashed run',
        host: 'h',
        pid: 1,
        token: 't',
        acquiredAt: '2026-01-01T00:00:00Z',
        expiresAt: '2026-01-01T00:15:00Z',
      }),
      { contentType: 'application/json' },
    );
    const logger = createMemoryLogger();
    expect(await withTargetLock(store, lockOptions('next run', { logger }), async () => 'ran')).toBe('ran');
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/taking over an expired lock holder="crashed run" expiredAt=2026-01-01T00:15:00Z/),
    );
  });

  it('honours an unexpired lock of a crashed run until it expires', async () => {
    const clock = { now: new Date('2026-10-02T03:00:00Z') };
    await store.putBytes(
      '.publish-lock.json',
      JSON.stringify({
        holder: 'crashed run',
        host: 'h',
        pid: 1,
        token: 't',
        acquiredAt: '2026-10-02T02:50:00Z',
        expiresAt: '2026-10-02T03:05:00Z',
      }),
      { contentType: 'application/json' },
    );
    await expect(
      withTargetLock(store, lockOptions('early', { now: () => clock.now }), async () => 'ran'),
    ).rejects.toMatchObject({ code: 'E_LOCKED' });
    clock.now = new Date('2026-10-02T03:05:01Z');
    expect(await withTargetLock(store, lockOptions('later', { now: () => clock.now }), async () => 'ran')).toBe('ran');
  });

  it('refuses to guess about a lock object it cannot read', async () => {
    await store.putBytes('.publish-lock.json', 'not json', { contentType: 'application/json' });
    await expect(withTargetLock(store, lockOptions('x'), async () => 'ran')).rejects.toMatchObject({
      code: 'E_LOCKED',
      message: expect.stringContaining('exists but cannot be read'),
    });
  });

  it('renews its expiry while the work runs', async () => {
    let first: unknown;
    let later: unknown;
    await withTargetLock(store, lockOptions('long run', { ttlSeconds: 0.3 }), async () => {
      first = (await lockRecord())?.expiresAt;
      await new Promise((done) => setTimeout(done, 450));
      later = (await lockRecord())?.expiresAt;
    });
    expect(Date.parse(later as string)).toBeGreaterThan(Date.parse(first as string));
  });

  it('runs the preparation while the lock settles and hands its result to the work', async () => {
    const order: string[] = [];
    const result = await withTargetLock(
      store,
      lockOptions('preparing run', { settleMs: 200 }),
      async (_lock, built: string) => {
        order.push('work');
        return `${built} then published`;
      },
      async () => {
        // The lock is written but not yet confirmed: nothing of the target may be touched here.
        order.push(`prepare sees holder ${(await lockRecord())?.holder}`);
        return 'built';
      },
    );
    expect(result).toBe('built then published');
    expect(order).toEqual(['prepare sees holder preparing run', 'work']);
    expect(await lockRecord()).toBeUndefined();
  });

  it('refuses after the preparation when another run took the lock during the settle, and never runs the work', async () => {
    let prepared = false;
    let worked = false;
    const error = await withTargetLock(
      store,
      lockOptions('slower run', { settleMs: 100 }),
      async () => {
        worked = true;
      },
      async () => {
        const record = await lockRecord();
        await store.putBytes(
          '.publish-lock.json',
          JSON.stringify({ ...record, holder: 'faster run', token: 'other' }),
          { contentType: 'application/json' },
        );
        await new Promise((done) => setTimeout(done, 300)); // still building when the settle ends
        prepared = true;
      },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_LOCKED', message: expect.stringContaining('faster run') });
    expect(prepared).toBe(true);
    expect(worked).toBe(false);
    expect((await lockRecord())?.holder).toBe('faster run');
  });

  it('releases the lock when the preparation fails, and passes the failure on', async () => {
    await expect(
      withTargetLock(
        store,
        lockOptions('failing build'),
        async () => 'ran',
        async () => Promise.reject(new Error('bad archive')),
      ),
    ).rejects.toThrow('bad archive');
    expect(await lockRecord()).toBeUndefined();
  });

  it('releases the lock when the work fails, and passes the failure on', async () => {
    await expect(
      withTargetLock(store, lockOptions('failing'), async () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(await lockRecord()).toBeUndefined();
  });

  it('stops before the catalog when another run took the lock over (a run stalled past its TTL)', async () => {
    const licensePath = await writeLicense(join(work, 'license'));
    const release = await makeRelease(join(work, 'r1'), [{ quarter: { year: 2026, quarter: 3 } }]);
    const error = await withTargetLock(store, lockOptions('stalled run'), async () => {
      const record = await lockRecord();
      await store.putBytes(
        '.publish-lock.json',
        JSON.stringify({ ...record, holder: 'the run that took over', token: 'other' }),
        { contentType: 'application/json' },
      );
      return publishRelease(store, release, {
        logger: quietLogger,
        dryRun: false,
        licensePath,
        now: fixedClock('2026-10-02T03:00:00Z'),
      });
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_LOCKED', message: expect.stringContaining('lost the lock') });
    expect((error as Error).message).toContain('the run that took over');
    expect(await store.head('index.json')).toBeUndefined();
    expect(await store.head('cli-usage-2026-q3.tsv')).toBeDefined(); // data went up; the catalog did not
    expect((await lockRecord())?.holder).toBe('the run that took over'); // not ours to delete
    expect(await store.head('publication-log.ndjson')).toBeUndefined(); // read-modify-write needs the lock
  });

  it('is taken by publishRelease itself when the caller holds none', async () => {
    const licensePath = await writeLicense(join(work, 'license'));
    const release = await makeRelease(join(work, 'r1'), [{ quarter: { year: 2026, quarter: 3 } }]);
    const logger = createMemoryLogger();
    await publishRelease(store, release, { logger, dryRun: false, licensePath });
    expect(logger.lines).toContainEqual(
      expect.stringContaining(
        `took the target lock target=${store.root} holder="${hostname()} pid ${process.pid} started`,
      ),
    );
    expect(logger.lines).toContainEqual(expect.stringContaining('released the target lock'));
  });
});
