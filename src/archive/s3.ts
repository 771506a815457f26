import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Logger } from '../core/log.js';
import type { Store } from '../publish/store/index.js';
import { type ArchiveFile, dayFolder, formatOf, isIgnoredName } from './files.js';

/**
 * Stages the given days of an S3 archive into a local folder with bounded concurrency (DuckDB's httpfs
 * is not available offline, so DuckDB reads the staged copies).
 */
export async function stageS3Archive(
  store: Store,
  days: readonly string[],
  stagingDir: string,
  logger: Logger,
  concurrency = 8,
): Promise<ArchiveFile[]> {
  const limit = pLimit(concurrency);
  const listings = await Promise.all(days.map((day) => limit(() => store.list(`${dayFolder(day)}/`))));
  const wanted: Array<{ day: string; key: string; name: string; bytes: number }> = [];
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
  await Promise.all(days.map((day) => mkdir(join(stagingDir, dayFolder(day)), { recursive: true })));
  const staged = await Promise.all(
    wanted.map((object) =>
      limit(async (): Promise<ArchiveFile> => {
        const path = join(stagingDir, dayFolder(object.day), object.name);
        await store.download(object.key, path);
        return {
          day: object.day,
          path,
          source: store.describe(object.key),
          format: formatOf(object.name)!,
          bytes: object.bytes,
        };
      }),
    ),
  );
  logger.info('staged archive objects', {
    objects: staged.length,
    bytes: staged.reduce((sum, file) => sum + file.bytes, 0),
  });
  return staged.sort((a, b) => a.day.localeCompare(b.day) || a.path.localeCompare(b.path));
}
