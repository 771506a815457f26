// DuckDB reads a path with `*`, `?` or `[` as a glob pattern (a file named `*.ndjson` reads the whole
// folder, `[c]ommands.ndjson` reads `commands.ndjson`), and no escaping works for a name that also holds
// a `\`. So a file whose path DuckDB would not read literally is read through a link with a plain name
// in the work folder; every other file is read where it is.
import { mkdir, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type ArchiveFile, isLiteralPath, suffixOf, unsafeWorkFolder } from './files.js';

/** The files, each with a `path` DuckDB reads literally. */
export async function withLiteralPaths(files: readonly ArchiveFile[], workDir: string): Promise<ArchiveFile[]> {
  const folder = resolve(workDir, 'archive-links');
  let made = false;
  const result: ArchiveFile[] = [];
  for (const [index, file] of files.entries()) {
    const path = resolve(file.path);
    if (isLiteralPath(path)) {
      result.push({ ...file, path });
      continue;
    }
    if (!made) await mkdir(folder, { recursive: true });
    made = true;
    const link = join(folder, `${index}${suffixOf(file.name)}`);
    if (!isLiteralPath(link)) throw unsafeWorkFolder(folder);
    await symlink(path, link);
    result.push({ ...file, path: link });
  }
  return result;
}
