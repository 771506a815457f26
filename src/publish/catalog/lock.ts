import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { PublisherError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { Store } from '../store/index.js';
import { putOptions } from './content-types.js';
import { CATALOG_KEYS } from './layout.js';

/**
 * One publishing run per target. Plain S3 has no lock, and s3rver ignores conditional writes
 * (`If-None-Match: *`), so the protocol works with reads and writes only:
 *
 * 1. read `.publish-lock.json`; if it holds an unexpired lock, refuse (E_LOCKED, naming the holder);
 * 2. write our lock (random token, holder, host, pid, expiry);
 * 3. wait `settleMs`, read it back: only the run whose token is there goes on. Two runs that both saw
 *    no lock both write, and both read the last writer's token;
 * 4. renew the expiry every ttl/3 while working; check the token again before the catalog is written;
 * 5. delete the lock at the end if it is still ours. A crashed run's lock expires after `ttlSeconds`;
 *    one whose holder ran on this host (same host name and PID namespace) and whose process is gone is
 *    taken over at once, since waiting out the TTL cannot help anyone.
 *
 * The one race left: a run that reads "no lock", then stalls longer than `settleMs` before writing.
 */
export const DEFAULT_LOCK_TTL_SECONDS = 15 * 60;
export const DEFAULT_SETTLE_MS = 1_000;

export interface LockOptions {
  logger: Logger;
  /** Who holds the lock, for the message another run prints, e.g. "host pid 123 started 2026-10-01T02:00:00Z". */
  holder: string;
  ttlSeconds?: number;
  now?: () => Date;
  /** Wait between writing the lock and reading it back. */
  settleMs?: number;
}

interface LockRecord {
  /** Free text for people; `host`, `pid` and `pidNamespace` are what a run checks. */
  holder: string;
  host: string;
  pid: number;
  /** `pid:[inode]` of the holder's PID namespace (Linux): two containers may share a host name, not a namespace. */
  pidNamespace?: string;
  token: string;
  acquiredAt: string;
  expiresAt: string;
}

export interface HeldLock {
  store: Store;
  record: LockRecord;
  acquiredAt: Date;
  /** Throws E_LOCKED unless the lock in the target is still ours. */
  assertHeld(): Promise<void>;
}

const current = new AsyncLocalStorage<HeldLock>();

/** The lock this async context holds on `store`, if any: publishRelease checks it before the catalog. */
export function heldLock(store: Store): HeldLock | undefined {
  const lock = current.getStore();
  return lock?.store === store ? lock : undefined;
}

/**
 * Runs `work` holding the target's lock. `prepare`, when given, starts as soon as the lock is written
 * and runs while it settles and after (it must not touch the target: a build in the work folder); its
 * result goes to `work`, which starts once the lock is confirmed ours. If the lock is lost in the
 * settle, the run waits for `prepare` to end and then refuses, as it would have without it.
 */
export async function withTargetLock<T, P = undefined>(
  store: Store,
  options: LockOptions,
  work: (lock: HeldLock, prepared: P) => Promise<T>,
  prepare?: () => Promise<P>,
): Promise<T> {
  const already = heldLock(store);
  if (already) return work(already, (await prepare?.()) as P);
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_LOCK_TTL_SECONDS;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new PublisherError('E_CONFIG', `lock option \`ttlSeconds\` must be a number above 0, got ${ttlSeconds}`);
  }
  const now = options.now ?? (() => new Date());
  const claimed = await claim(store, { ...options, ttlSeconds, now });
  const preparing = prepare?.();
  preparing?.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
  let lock: HeldLock;
  try {
    lock = await confirm(store, claimed, options);
  } catch (error) {
    await preparing?.catch(() => undefined);
    throw error;
  }
  // Renewed from here on, however long `prepare` still takes.
  const renewal = keepRenewed(store, lock, ttlSeconds, now, options.logger);
  try {
    const prepared = (await preparing) as P;
    return await current.run(lock, () => work(lock, prepared));
  } finally {
    await renewal.stop();
    await release(store, lock, options.logger);
  }
}

/** Steps 1 and 2: refuses a live lock, writes ours. */
async function claim(
  store: Store,
  options: LockOptions & { ttlSeconds: number; now: () => Date },
): Promise<LockRecord> {
  const { logger, now } = options;
  const existing = await readLock(store);
  if (existing === 'unreadable') {
    throw new PublisherError(
      'E_LOCKED',
      `the lock ${store.describe(CATALOG_KEYS.lock)} exists but cannot be read; if no run is publishing to ${store.describe('')}, delete it`,
    );
  }
  if (existing && Date.parse(existing.expiresAt) > now().getTime()) {
    if (!holderIsGone(existing)) throw lockedError(store, existing);
    logger.warn(`took over a stale lock of ${describeHolder(existing)}`, {
      reason: `pid ${existing.pid} is not running on this host`,
      expiresAt: existing.expiresAt,
    });
  } else if (existing) {
    logger.warn('taking over an expired lock', { holder: existing.holder, expiredAt: existing.expiresAt });
  }

  const acquiredAt = now();
  const record: LockRecord = {
    holder: options.holder,
    host: hostname(),
    pid: process.pid,
    ...(PID_NAMESPACE !== undefined ? { pidNamespace: PID_NAMESPACE } : {}),
    token: randomUUID(),
    acquiredAt: acquiredAt.toISOString(),
    expiresAt: new Date(acquiredAt.getTime() + options.ttlSeconds * 1000).toISOString(),
  };
  await writeLock(store, record);
  return record;
}

const PID_NAMESPACE = ((): string | undefined => {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined; // not Linux: the host name alone must match
  }
})();

/**
 * True only when the holder is certainly dead: it ran on this host in this PID namespace and no process
 * has its pid. Anything else (another host, a pid we may not signal, a pid reused by a live process)
 * keeps the lock until it expires.
 */
function holderIsGone(record: LockRecord): boolean {
  if (record.host !== hostname() || record.pidNamespace !== PID_NAMESPACE) return false;
  if (!Number.isSafeInteger(record.pid) || record.pid <= 0 || record.pid === process.pid) return false;
  try {
    process.kill(record.pid, 0); // signal 0: only asks whether the process exists
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'; // EPERM: it exists, under another user
  }
}

/** Step 3: after the settle, only the run whose token is there goes on. */
async function confirm(store: Store, record: LockRecord, options: LockOptions): Promise<HeldLock> {
  const { logger } = options;
  await sleep(options.settleMs ?? DEFAULT_SETTLE_MS);
  const back = await readLock(store);
  if (back === 'unreadable' || back?.token !== record.token) {
    if (back && back !== 'unreadable') throw lockedError(store, back);
    throw new PublisherError(
      'E_LOCKED',
      `another run replaced the lock ${store.describe(CATALOG_KEYS.lock)} while this one was taking it`,
    );
  }
  logger.info('took the target lock', {
    target: store.describe(''),
    holder: record.holder,
    expiresAt: record.expiresAt,
  });
  const lock: HeldLock = {
    store,
    record,
    acquiredAt: new Date(record.acquiredAt),
    assertHeld: async () => {
      const seen = await readLock(store);
      if (seen === 'unreadable' || seen?.token !== lock.record.token) {
        const by = seen && seen !== 'unreadable' ? `; it is now held by ${describeHolder(seen)}` : '';
        throw new PublisherError(
          'E_LOCKED',
          `this run lost the lock on ${store.describe('')}${by}; stopping before the catalog is written`,
        );
      }
    },
  };
  return lock;
}

/** Renews the expiry every ttl/3, one renewal at a time; a failed renewal is logged and tried again. */
function keepRenewed(
  store: Store,
  lock: HeldLock,
  ttlSeconds: number,
  now: () => Date,
  logger: Logger,
): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    timer = setTimeout(
      () => {
        running = renew().finally(() => {
          if (!stopped) schedule();
        });
      },
      (ttlSeconds * 1000) / 3,
    );
    timer.unref();
  };
  const renew = async (): Promise<void> => {
    try {
      const seen = await readLock(store);
      if (seen === 'unreadable' || seen?.token !== lock.record.token) {
        logger.error('lost the target lock; the catalog will not be written', {
          holder: seen && seen !== 'unreadable' ? seen.holder : undefined,
        });
        stopped = true;
        return;
      }
      lock.record = { ...lock.record, expiresAt: new Date(now().getTime() + ttlSeconds * 1000).toISOString() };
      await writeLock(store, lock.record);
    } catch (error) {
      logger.warn('could not renew the target lock; will retry', { error: (error as Error).message });
    }
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function release(store: Store, lock: HeldLock, logger: Logger): Promise<void> {
  try {
    const seen = await readLock(store);
    if (seen !== 'unreadable' && seen?.token === lock.record.token) {
      await store.delete(CATALOG_KEYS.lock);
      logger.info('released the target lock', { target: store.describe('') });
    } else {
      logger.warn('the target lock is no longer ours; leaving it', { target: store.describe('') });
    }
  } catch (error) {
    // The work's outcome stands; the lock expires by itself after its TTL.
    logger.error('could not release the target lock; it expires by itself', {
      expiresAt: lock.record.expiresAt,
      error: (error as Error).message,
    });
  }
}

async function readLock(store: Store): Promise<LockRecord | 'unreadable' | undefined> {
  const body = await store.getBytes(CATALOG_KEYS.lock);
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Partial<LockRecord>;
    const valid =
      typeof parsed.token === 'string' &&
      typeof parsed.holder === 'string' &&
      !Number.isNaN(Date.parse(parsed.expiresAt ?? ''));
    return valid ? (parsed as LockRecord) : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

async function writeLock(store: Store, record: LockRecord): Promise<void> {
  await store.putBytes(
    CATALOG_KEYS.lock,
    `${JSON.stringify(record, null, 2)}\n`,
    putOptions(CATALOG_KEYS.lock, 'lock', 'application/json'),
  );
}

function lockedError(store: Store, record: LockRecord): PublisherError {
  return new PublisherError(
    'E_LOCKED',
    `target ${store.describe('')} is locked by another run: ${describeHolder(record)}. The lock expires at ${record.expiresAt} unless that run renews it; if that run is dead, wait for the expiry or delete ${store.describe(CATALOG_KEYS.lock)}`,
  );
}

function describeHolder(record: LockRecord): string {
  return `${record.holder} (host ${record.host}, pid ${record.pid}, since ${record.acquiredAt})`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
