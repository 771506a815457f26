// Stages the quarter's days of an S3 archive into a local folder with bounded concurrency (DuckDB's
// httpfs is not available offline, so DuckDB reads the staged copies). Each object is staged under a
// plain local name (`<n>.<extension>`): an S3 key may hold any character and be longer than a local
// file name may be; the manifest and every message use the object's own name.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { PublisherError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../publish/store/index.js';
import {
  type ArchiveFile,
  dayFolder,
  formatOf,
  isIgnoredName,
  isLiteralPath,
  suffixOf,
  unsafeWorkFolder,
} from './files.js';

/** An archive object of the quarter's days, as listed (not staged). */
export interface ListedObject {
  day: string;
  key: string;
  name: string;
  bytes: number;
}

/** Lists the archive objects of `days` (what stageS3Archive would stage), in day then name order. */
export async function listS3Archive(
  store: Store,
  days: readonly string[],
  logger: Logger,
  concurrency = 8,
): Promise<ListedObject[]> {
  const limit = pLimit(concurrency);
  const listings = await settleAll(
    days.map(
      (day) => () =>
        store.list(`${dayFolder(day)}/`).catch((error: unknown) => {
          throw stagingError(`listing ${store.describe(`${dayFolder(day)}/`)}`, error);
        }),
    ),
    limit,
  );
  const wanted: ListedObject[] = [];
  days.forEach((day, index) => {
    for (const object of listings[index] ?? []) {
      const name = object.key.slice(dayFolder(day).length + 1);
      if (name.includes('/') || isIgnoredName(name)) continue;
      if (!formatOf(name)) {
        logger.warn('ignoring archive object with an unknown extension', { object: store.describe(object.key) });
        continue;
      }
      wanted.push({ day, key: object.key, name, bytes: object.bytes });
    }
  });
  return wanted.sort((a, b) => a.day.localeCompare(b.day) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function stageS3Archive(
  store: Store,
  days: readonly string[],
  stagingDir: string,
  logger: Logger,
  concurrency = 8,
): Promise<ArchiveFile[]> {
  const staging = resolve(stagingDir);
  const limit = pLimit(concurrency);
  const wanted = await listS3Archive(store, days, logger, concurrency);
  const folders = [...new Set(wanted.map((object) => object.day))];
  await Promise.all(folders.map((day) => mkdir(join(staging, dayFolder(day)), { recursive: true })));
  const staged = await settleAll(
    wanted.map((object, index) => async (): Promise<ArchiveFile> => {
      const path = join(staging, dayFolder(object.day), `${index}${suffixOf(object.name)}`);
      if (!isLiteralPath(path)) throw unsafeWorkFolder(staging);
      await store.download(object.key, path).catch((error: unknown) => {
        throw stagingError(`downloading ${store.describe(object.key)}`, error);
      });
      return {
        day: object.day,
        name: object.name,
        path,
        source: store.describe(object.key),
        format: formatOf(object.name)!,
        bytes: object.bytes,
      };
    }),
    limit,
  );
  logger.info('staged archive objects', {
    objects: staged.length,
    bytes: staged.reduce((sum, file) => sum + file.bytes, 0),
  });
  return staged.sort((a, b) => a.day.localeCompare(b.day) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Like Promise.all over `limit`, but after the first failure starts nothing new and waits for what is
 * running, so that no download still writes into the staging folder once the run has failed.
 */
async function settleAll<T>(tasks: Array<() => Promise<T>>, limit: ReturnType<typeof pLimit>): Promise<T[]> {
  let failure: { error: unknown } | undefined;
  const results = await Promise.allSettled(
    tasks.map((task) =>
      limit(async () => {
        if (failure) return undefined;
        try {
          return await task();
        } catch (error) {
          failure ??= { error };
          throw error;
        }
      }),
    ),
  );
  if (failure) throw failure.error;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

function stagingError(what: string, error: unknown): PublisherError {
  if (error instanceof PublisherError && error.code === 'E_ARCHIVE') return error;
  const cause = error instanceof Error ? error.message : String(error);
  return new PublisherError('E_ARCHIVE', `S3 archive: ${what} failed, nothing was published: ${cause}`, {
    cause: error,
  });
}
