// DuckDB running out of memory or of disk in its temp folder is a setting to change, whatever stage it
// happens in: an E_CONFIG (exit 3) naming --memory-limit or --temp-dir, never an internal error or an
// unreadable file.
import { PublisherError } from '../core/errors.js';
import type { Duck } from './duck.js';

/** E_CONFIG for DuckDB running out of memory or of disk in its temp folder; undefined for anything else. */
export async function resourceError(duck: Duck, error: unknown, doing: string): Promise<PublisherError | undefined> {
  const message = error instanceof Error ? error.message : String(error);
  const setting = async (name: string): Promise<string> => {
    const rows = await duck
      .all<{ value: string }>(`SELECT current_setting('${name}')::VARCHAR AS value`)
      .catch(() => [] as Array<{ value: string }>);
    return rows[0]?.value ?? 'unknown';
  };
  if (/No space left on device|max_temp_directory_size|ENOSPC/i.test(message)) {
    return new PublisherError(
      'E_CONFIG',
      `the temp folder is full while ${doing}: DuckDB's working files (${await setting('temp_directory')}) are in --temp-dir (TP_TEMP_DIR, default the OS temp folder); free space there or point --temp-dir at a larger disk (${firstLine(message)})`,
      { cause: error },
    );
  }
  if (/^Out of Memory Error/m.test(message)) {
    return new PublisherError(
      'E_CONFIG',
      `DuckDB ran out of memory while ${doing} with --memory-limit (TP_MEMORY_LIMIT) at ${await setting('memory_limit')}: raise --memory-limit, or lower --threads (${firstLine(message)})`,
      { cause: error },
    );
  }
  return undefined;
}

export function firstLine(message: string): string {
  return message.split('\n')[0]!.slice(0, 200);
}
