import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { PublisherError } from '../../core/errors.js';
import { fileDigest, sha256Hex } from '../../core/hash.js';
import type { Logger } from '../../core/log.js';
import { formatQuarter } from '../../core/quarter.js';
import { objectsOf, type ReleaseWithChangelog } from '../../core/release.js';
import { DEFAULT_QUERIES_DIR } from '../../query/dataset.js';
import { type PageFile, type PageInput, renderPageFiles } from '../page/index.js';
import type { Store } from '../store/index.js';
import { canAbortIncompleteWrites } from '../store/index.js';
import { renderChangelog } from './changelog.js';
import { contentTypeFor, putOptions } from './content-types.js';
import { renderReadme } from './data-dictionary.js';
import { renderDataPackage } from './datapackage.js';
import { readCatalogWithBytes, renderCatalog } from './index-json.js';
import { CATALOG_KEYS, catalogLinks, urlFor } from './layout.js';
import { type HeldLock, heldLock, withTargetLock } from './lock.js';
import { mergeCatalog } from './merge.js';
import type { Catalog } from './model.js';
import { appendPublicationLog } from './publication-log.js';
import { validateRelease } from './release-checks.js';
import { renderSha256Sums } from './sha256sums.js';
import { type Expected, objectProblem } from './verify.js';
import { TargetWriter } from './writer.js';

export interface PublishOptions {
  logger: Logger;
  dryRun: boolean;
  publicBaseUrl?: string;
  /** Local DATA_LICENSE.md, published at the root beside the data. */
  licensePath: string;
  now?: () => Date;
  runId?: string;
  /** Where each dataset's charts.json is (the landing page's charts); default: the repository's queries/. */
  queriesDir?: string;
}

export interface PublishOutcome {
  written: Array<{ key: string; bytes: number; sha256: string }>;
  unchanged: string[];
  /** key -> public URL, or the store location when no public base URL is set. */
  urls: Record<string, string>;
  catalogChanged: boolean;
}

/** Uploads at once; small, since a release is a handful of files and big ones go multipart anyway. */
const CONCURRENCY = 4;

/**
 * Publishes a release: data objects first, each verified after upload (size and sha256); then the
 * catalog files, index.json last; then the `{dataset}-latest.tsv` copies. A reader therefore never sees
 * the catalog name a missing or partial file, the catalog never shrinks, and a `latest` copy always
 * holds a quarter the catalog lists. Objects already in the target with the
 * same sha256 are not uploaded again. Runs under the target lock (taken here unless the caller holds
 * it); a dry run takes no lock and writes nothing.
 */
export async function publishRelease(
  store: Store,
  release: ReleaseWithChangelog,
  options: PublishOptions,
): Promise<PublishOutcome> {
  validateRelease(release);
  if (options.dryRun) return publish(store, release, options, undefined);
  const lock = heldLock(store);
  if (lock) return publish(store, release, options, lock);
  // The lock runs on wall-clock time, whatever `now` the catalog is given.
  const holder = `${hostname()} pid ${process.pid} started ${new Date().toISOString()}`;
  return withTargetLock(store, { logger: options.logger, holder }, (held) => publish(store, release, options, held));
}

async function publish(
  store: Store,
  release: ReleaseWithChangelog,
  options: PublishOptions,
  lock: HeldLock | undefined,
): Promise<PublishOutcome> {
  const { logger, dryRun } = options;
  const clock = options.now ?? (() => new Date());
  const now = clock().toISOString();
  const urlOf = (key: string): string => urlFor(options.publicBaseUrl, key);
  const writer = new TargetWriter(store, { logger, dryRun, runId: options.runId ?? randomUUID(), clock });

  const license = await localLicense(options.licensePath);
  await checkLocalFiles(release);
  const previous = await readCatalogWithBytes(store);
  if (release.files.length === 0 && !previous) {
    logger.warn('nothing to publish: the release has no file and the target has no catalog yet');
    return outcome(store, writer, options, false);
  }
  if (lock) await clearIncompleteWrites(store, lock, logger);

  let catalogChanged = false;
  try {
    await uploadDataObjects(writer, release, license);
    await checkCarriedOver(store, previous?.catalog, release);
    const merged = mergeCatalog({
      previous: previous?.catalog,
      release,
      license: { key: license.key, bytes: license.bytes, sha256: license.sha256 },
      now,
      urlOf,
    });
    const catalog = withUpdatedTime({ ...merged, links: catalogLinks(urlOf) }, previous?.bytes, now);
    assertNoShrink(previous?.catalog, catalog);
    // The landing page and catalog.jsonld are catalog objects too, rendered before any of them is written.
    const licenseText = await readFile(license.path, 'utf8');
    const queriesDir = options.queriesDir ?? DEFAULT_QUERIES_DIR;
    const page = async (catalogFiles: PageInput['catalogFiles']) => {
      const started = performance.now();
      const files = await renderPageFiles({ catalog, release, store, licenseText, queriesDir, catalogFiles, logger });
      // Like the copies, a budget of the run: bench/bench.ts reads the time here.
      logger.info('rendered the page', {
        keys: files.map((file) => file.key).join(','),
        bytes: files.reduce((sum, file) => sum + Buffer.byteLength(file.body), 0),
        seconds: Math.round(performance.now() - started) / 1000,
      });
      return files;
    };
    if (lock) await lock.assertHeld();
    catalogChanged = await writeCatalogFiles(writer, catalog, page);
    await updateLatestCopies(store, writer, catalog, release);
  } finally {
    // Also after a failure: what was written stays written, so it is recorded.
    if (!dryRun) await recordPublications(store, writer, lock, logger);
  }
  if (writer.written.length === 0) {
    logger.info('nothing to upload: every object is already in the target with the same sha256', {
      unchanged: writer.unchanged.length,
    });
  } else {
    logger.info(dryRun ? 'dry run finished: nothing was written' : 'published', {
      written: writer.written.length,
      unchanged: writer.unchanged.length,
      catalogChanged,
    });
  }
  return outcome(store, writer, options, catalogChanged);
}

async function uploadDataObjects(
  writer: TargetWriter,
  release: ReleaseWithChangelog,
  license: Expected & { path: string },
): Promise<void> {
  const objects = [
    { expected: license, path: license.path, contentType: contentTypeFor(license.key) },
    ...release.files
      .flatMap(objectsOf)
      .map((object) => ({ expected: object, path: object.localPath, contentType: object.contentType })),
  ];
  const limit = pLimit(CONCURRENCY);
  await settleAll(
    objects.map((object) =>
      limit(() =>
        writer.ensure(
          { key: object.expected.key, bytes: object.expected.bytes, sha256: object.expected.sha256 },
          { path: object.path },
          putOptions(object.expected.key, 'quarterFile', object.contentType),
        ),
      ),
    ),
  );
}

/** Quarters the release does not touch stay listed only if they are still there, unchanged. */
async function checkCarriedOver(
  store: Store,
  previous: Catalog | undefined,
  release: ReleaseWithChangelog,
): Promise<void> {
  const replaced = new Set(release.files.map((file) => `${file.dataset}|${formatQuarter(file.quarter)}`));
  const expected = (previous?.datasets ?? []).flatMap((dataset) =>
    dataset.quarters
      .filter((quarter) => !replaced.has(`${dataset.name}|${quarter.quarter}`))
      .flatMap((quarter) => [
        quarter,
        quarter.privacyReport,
        ...(quarter.inputManifest ? [quarter.inputManifest] : []),
        ...(quarter.formats ?? []),
      ]),
  );
  const limit = pLimit(CONCURRENCY * 2);
  const problems = (
    await Promise.all(
      expected.map((object) => limit(async () => ({ object, problem: await objectProblem(store, object) }))),
    )
  ).filter((checked) => checked.problem !== undefined);
  if (problems.length > 0) {
    throw new PublisherError(
      'E_STORE',
      `the catalog lists objects that are no longer in the target as published: ${problems
        .map(({ object, problem }) => `${store.describe(object.key)} (${problem})`)
        .join(
          '; ',
        )}. The catalog was not changed. Restore those objects, or republish their quarters (with --revise if a revision was cut short)`,
    );
  }
}

/** After index.json: before it, the copy would hold a quarter the catalog does not list yet. */
async function updateLatestCopies(
  store: Store,
  writer: TargetWriter,
  catalog: Catalog,
  release: ReleaseWithChangelog,
): Promise<void> {
  const local = new Map(release.files.map((file) => [file.key, file.localPath]));
  const folder: { path?: string } = {};
  try {
    for (const dataset of catalog.datasets) {
      const newest = dataset.quarters[dataset.quarters.length - 1]!;
      const localPath = local.get(newest.key);
      const fetchPath = async (): Promise<string> => {
        folder.path ??= await mkdtemp(join(tmpdir(), 'publisher-latest-'));
        const path = join(folder.path, dataset.name);
        await store.download(newest.key, path);
        return path;
      };
      await writer.ensure(
        { key: dataset.latest.alias.key, bytes: newest.bytes, sha256: newest.sha256 },
        localPath ? { path: localPath } : { fetchPath },
        putOptions(dataset.latest.alias.key, 'catalog', newest.contentType),
      );
    }
  } finally {
    if (folder.path) await rm(folder.path, { recursive: true, force: true });
  }
}

/** `updated` moves only when the catalog's content changes, so a rerun writes the same bytes. */
function withUpdatedTime(catalog: Catalog, previousBytes: Buffer | undefined, now: string): Catalog {
  const same = previousBytes !== undefined && renderCatalog(catalog) === previousBytes.toString('utf8');
  return same ? catalog : { ...catalog, updated: now };
}

function assertNoShrink(previous: Catalog | undefined, next: Catalog): void {
  const listed = new Set(
    next.datasets.flatMap((dataset) => dataset.quarters.map((quarter) => `${dataset.name} ${quarter.quarter}`)),
  );
  const dropped = (previous?.datasets ?? [])
    .flatMap((dataset) => dataset.quarters.map((quarter) => `${dataset.name} ${quarter.quarter}`))
    .filter((entry) => !listed.has(entry));
  if (dropped.length > 0 || next.datasets.length === 0) {
    throw new PublisherError(
      'E_INTERNAL',
      `refusing to write a catalog that would drop ${dropped.join(', ') || 'every dataset'}`,
    );
  }
}

/** The catalog files, index.json last: it is the one readers start from. */
async function writeCatalogFiles(
  writer: TargetWriter,
  catalog: Catalog,
  renderPage: (catalogFiles: PageInput['catalogFiles']) => Promise<PageFile[]>,
): Promise<boolean> {
  const files: Array<[string, string]> = [
    [CATALOG_KEYS.datapackage, renderDataPackage(catalog)],
    [CATALOG_KEYS.sha256sums, renderSha256Sums(catalog)],
    [CATALOG_KEYS.readme, renderReadme(catalog)],
    [CATALOG_KEYS.changelog, renderChangelog(catalog)],
  ];
  const index = renderCatalog(catalog);
  const catalogFiles = [...files, [CATALOG_KEYS.index, index] as [string, string]].map(([key, body]) => ({
    key,
    body,
  }));
  for (const file of await renderPage(catalogFiles)) files.push([file.key, file.body]);
  const ensure = (key: string, body: string): Promise<boolean> => {
    const bytes = Buffer.from(body, 'utf8');
    return writer.ensure(
      { key, bytes: bytes.byteLength, sha256: sha256Hex(bytes) },
      { body },
      putOptions(key, 'catalog'),
    );
  };
  const changed = await settleAll(files.map(([key, body]) => ensure(key, body)));
  const indexChanged = await ensure(CATALOG_KEYS.index, index);
  return indexChanged || changed.some(Boolean);
}

/** Appends to the publication log, which is read-modify-write: only while the lock is still ours. */
async function recordPublications(
  store: Store,
  writer: TargetWriter,
  lock: HeldLock | undefined,
  logger: Logger,
): Promise<void> {
  if (writer.records.length === 0) return;
  try {
    if (lock) await lock.assertHeld();
    await appendPublicationLog(store, writer.records);
  } catch (error) {
    // Never hides the run's own outcome; the objects are in the stderr log line by line.
    logger.error('could not append to the publication log', {
      key: CATALOG_KEYS.publicationLog,
      objects: writer.records.length,
      error: (error as Error).message,
    });
  }
}

async function clearIncompleteWrites(store: Store, lock: HeldLock, logger: Logger): Promise<void> {
  if (!canAbortIncompleteWrites(store)) return;
  try {
    for (const aborted of await store.abortIncompleteWrites(lock.acquiredAt))
      logger.info('cleared an unfinished write of an earlier run', { what: aborted });
  } catch (error) {
    // Publishing does not depend on it; the parts cost storage only. A lifecycle rule is the backstop.
    logger.warn('could not clear unfinished uploads of earlier runs', { error: (error as Error).message });
  }
}

async function localLicense(path: string): Promise<Expected & { path: string }> {
  try {
    return { key: CATALOG_KEYS.license, path, ...(await fileDigest(path)) };
  } catch (error) {
    throw new PublisherError('E_CONFIG', `the licence file ${path} cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The files on disk must be the ones the release describes: the catalog will vouch for these checksums. */
async function checkLocalFiles(release: ReleaseWithChangelog): Promise<void> {
  const objects = release.files.flatMap(objectsOf);
  await settleAll(
    objects.map(async (object) => {
      const actual = await fileDigest(object.localPath).catch((error: unknown) => {
        throw new PublisherError(
          'E_INTERNAL',
          `release file ${object.localPath} (${object.key}) cannot be read: ${(error as Error).message}`,
          { cause: error },
        );
      });
      if (actual.sha256 !== object.sha256 || actual.bytes !== object.bytes) {
        throw new PublisherError(
          'E_INTERNAL',
          `release file ${object.localPath} (${object.key}) has ${actual.bytes} bytes and sha256 ${actual.sha256}, but the release says ${object.bytes} bytes and ${object.sha256}: it changed after it was written`,
        );
      }
    }),
  );
}

function outcome(store: Store, writer: TargetWriter, options: PublishOptions, catalogChanged: boolean): PublishOutcome {
  const urls: Record<string, string> = {};
  for (const key of [...writer.written.map((object) => object.key), ...writer.unchanged]) {
    urls[key] = options.publicBaseUrl ? urlFor(options.publicBaseUrl, key) : store.describe(key);
  }
  return { written: [...writer.written], unchanged: [...writer.unchanged], urls, catalogChanged };
}

/** Like Promise.all, but waits for every task before throwing the first error: nothing is left running. */
async function settleAll<T>(tasks: Array<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}
