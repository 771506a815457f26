// Lists a local archive folder. Every file read must be the archive's own: a link that leads outside
// the archive root, a dangling link, or two names for one file (a link, a hard link) stop the run,
// since each would publish events that are not the archive's or count them twice.
import type { Stats } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
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
  // The archive root itself may be a link (a mount point elsewhere): what it leads to is the boundary.
  const boundary = await realpath(absolute);

  const files: ArchiveFile[] = [];
  const byInode = new Map<string, string>();
  for (const day of days) {
    const folder = join(absolute, dayFolder(day));
    const names = await folderNames(folder);
    if (names === undefined) continue;
    await insideArchive(folder, boundary, absolute);
    for (const name of names) {
      if (isIgnoredName(name)) continue;
      const path = join(folder, name);
      const format = formatOf(name);
      if (!format) {
        logger.warn('ignoring archive file with an unknown extension', { file: path });
        continue;
      }
      const info = await fileInfo(path, boundary, absolute);
      if (!info.isFile()) {
        logger.warn('ignoring archive entry that is not a regular file', { file: path });
        continue;
      }
      const inode = `${info.dev}:${info.ino}`;
      const same = byInode.get(inode);
      if (same !== undefined) {
        throw new PublisherError(
          'E_ARCHIVE',
          `archive files ${same} and ${path} are the same file (a link): its events would be read twice; remove one of them`,
        );
      }
      byInode.set(inode, path);
      files.push({ day, name, path, source: path, format, bytes: info.size });
    }
  }
  return files;
}

/** The names in a day folder, sorted; undefined when the folder does not exist. Names must be UTF-8. */
async function folderNames(folder: string): Promise<string[] | undefined> {
  let raw: Buffer[];
  try {
    raw = await readdir(folder, { encoding: 'buffer' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PublisherError(
      'E_ARCHIVE',
      `archive folder ${folder} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  }
  const names = raw.map((bytes) => {
    const name = bytes.toString('utf8');
    // A name that is not UTF-8 cannot be named in a manifest or a message, nor opened by its decoded text.
    if (!Buffer.from(name, 'utf8').equals(bytes)) {
      throw new PublisherError(
        'E_ARCHIVE',
        `archive folder ${folder} holds a file whose name is not valid UTF-8 (${JSON.stringify(name)}): rename it`,
      );
    }
    return name;
  });
  return names.sort();
}

/** The file's own stat, through a link that stays inside the archive. */
async function fileInfo(path: string, boundary: string, root: string): Promise<Stats> {
  const entry = await lstat(path);
  if (!entry.isSymbolicLink()) return entry;
  await insideArchive(path, boundary, root);
  return stat(path);
}

/** Refuses a path that is, or passes through, a link leading outside the archive root or nowhere. */
async function insideArchive(path: string, boundary: string, root: string): Promise<void> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const to = await readlink(path).catch(() => undefined);
    throw new PublisherError(
      'E_ARCHIVE',
      code === 'ENOENT' || code === 'ELOOP'
        ? `archive entry ${path} is a link to ${to ?? 'a path'} that does not exist (${code}): remove the link or restore its file`
        : `archive entry ${path} cannot be read: ${code ?? (error as Error).message}`,
      { cause: error },
    );
  }
  const within = relative(boundary, target);
  if (within === '' || within === '..' || within.startsWith(`..${sep}`) || isAbsolute(within)) {
    throw new PublisherError(
      'E_ARCHIVE',
      `archive entry ${path} is a link to ${target}, outside the archive ${root}: links must stay inside the archive; copy the file in instead`,
    );
  }
}
