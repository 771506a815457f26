import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PublisherError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { type ArchiveFile, dayFolder, formatOf, isIgnoredName } from './files.js';

/** Lists the archive files of the given days in a local archive folder. Missing day folders are allowed. */
export async function listLocalArchive(root: string, days: readonly string[], logger: Logger): Promise<ArchiveFile[]> {
  const absolute = resolve(root);
  const rootStat = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    throw new PublisherError('E_ARCHIVE', `archive folder ${absolute} cannot be read: ${error.code ?? error.message}`, {
      cause: error,
    });
  });
  if (!rootStat.isDirectory()) throw new PublisherError('E_ARCHIVE', `archive ${absolute} is not a folder`);

  const files: ArchiveFile[] = [];
  for (const day of days) {
    const folder = join(absolute, dayFolder(day));
    let names: string[];
    try {
      names = (await readdir(folder)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new PublisherError('E_ARCHIVE', `archive folder ${folder} cannot be read`, { cause: error });
    }
    for (const name of names) {
      if (isIgnoredName(name)) continue;
      const path = join(folder, name);
      const format = formatOf(name);
      if (!format) {
        logger.warn('ignoring archive file with an unknown extension', { file: path });
        continue;
      }
      const info = await stat(path);
      if (!info.isFile()) continue;
      files.push({ day, path, source: path, format, bytes: info.size });
    }
  }
  return files;
}
