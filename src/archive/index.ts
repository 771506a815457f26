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
import { stageS3Archive } from './s3.js';

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
