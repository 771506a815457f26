// The archive stage: the quarter's files, from a local folder (checked to be the archive's own) or
// staged from `s3://bucket/prefix`, each with a path DuckDB reads as exactly that file.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { PublisherError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { OpenStoreOptions } from '../publish/store/index.js';
import type { ArchiveFile } from './files.js';
import { withLiteralPaths } from './links.js';
import { listLocalArchive } from './local.js';
import { listS3Archive, stageS3Archive } from './s3.js';

export { type ArchiveFile, type InputFile, inputOf, isGzip, isLiteralPath } from './files.js';

/** The files of the given days, from a local folder or staged from `s3://bucket/prefix`. */
export async function openArchive(
  location: string,
  days: readonly string[],
  workDir: string,
  logger: Logger,
  storeOptions: OpenStoreOptions = {},
): Promise<ArchiveFile[]> {
  if (location.startsWith('s3://')) {
    // Loaded on demand: a local archive never pays for the AWS SDK.
    const { openStore } = await import('../publish/store/index.js');
    const store = openStore(location, { ...storeOptions, logger });
    const staging = await mkdtemp(join(workDir, 'archive-'));
    try {
      return await stageS3Archive(store, days, staging, logger);
    } catch (error) {
      if (error instanceof PublisherError && (error.code === 'E_ARCHIVE' || error.code === 'E_CONFIG')) throw error;
      throw new PublisherError('E_ARCHIVE', `archive ${location} cannot be read: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return withLiteralPaths(await listLocalArchive(location, days, logger), workDir);
}

/** An archive file as listed, before anything is staged: what a plan of a sharded run records. */
export interface ListedFile {
  day: string;
  name: string;
  bytes: number;
}

/**
 * The files of the given days, listed by the same rules (and in the same order) as `openArchive`, but
 * without staging S3 objects: a plan needs their sizes, not their bytes.
 */
export async function listArchive(
  location: string,
  days: readonly string[],
  logger: Logger,
  storeOptions: OpenStoreOptions = {},
): Promise<ListedFile[]> {
  if (location.startsWith('s3://')) {
    const { openStore } = await import('../publish/store/index.js');
    const store = openStore(location, { ...storeOptions, logger });
    try {
      return (await listS3Archive(store, days, logger)).map(({ day, name, bytes }) => ({ day, name, bytes }));
    } catch (error) {
      if (error instanceof PublisherError && (error.code === 'E_ARCHIVE' || error.code === 'E_CONFIG')) throw error;
      throw new PublisherError('E_ARCHIVE', `archive ${location} cannot be listed: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      (store as { destroy?: () => void }).destroy?.();
    }
  }
  return (await listLocalArchive(location, days, logger)).map(({ day, name, bytes }) => ({ day, name, bytes }));
}
