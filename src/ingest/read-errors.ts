// What a failed read is reported as. DuckDB's own messages name the batch's SQL, not the cause a
// maintainer can act on: running out of memory or temp space is a setting to change (E_CONFIG), and a
// file that cannot be read is named alone, with the cause but never a line of its content (a line may
// hold a machine id).
import type { ArchiveFile } from '../archive/files.js';
import { PublisherError } from '../core/errors.js';
import type { Duck } from '../engine/duck.js';
import { resourceError } from '../engine/resources.js';

/**
 * The error for a batch that failed: a resource error, else the first file that fails when read alone
 * (`readAlone` runs the batch's read for one file), else DuckDB's message with the batch's files.
 */
export async function batchError(
  duck: Duck,
  files: readonly ArchiveFile[],
  error: unknown,
  readAlone: (file: ArchiveFile) => Promise<void>,
): Promise<PublisherError> {
  const resource = await resourceError(duck, error, 'reading the archive');
  if (resource) return resource;
  // SQL that does not parse or names a missing table is the job's bug, whatever file is read.
  if (/^(Parser|Catalog) Error/.test(error instanceof Error ? error.message : '')) {
    return new PublisherError('E_INTERNAL', `reading the archive failed: ${cause(error)}`, { cause: error });
  }
  for (const file of files.length > 1 ? files : []) {
    try {
      await readAlone(file);
    } catch (alone) {
      return (await resourceError(duck, alone, 'reading the archive')) ?? unreadable(file, alone);
    }
  }
  if (files.length === 1) return unreadable(files[0]!, error);
  const listed = files.slice(0, 5).map((file) => file.source);
  const more = files.length > listed.length ? ` and ${files.length - listed.length} more` : '';
  return new PublisherError(
    'E_ARCHIVE',
    `the archive files ${listed.join(', ')}${more} cannot be read together, although each can alone: ${cause(error)}`,
    { cause: error },
  );
}

export function unreadable(file: ArchiveFile, error: unknown): PublisherError {
  return new PublisherError('E_ARCHIVE', `archive file ${file.source} cannot be read: ${cause(error)}`, {
    cause: error,
  });
}

/**
 * DuckDB's message without the parts that quote the data (`Original Line: ...`) or the reader's
 * options; a CSV error keeps its line number and the reason on the next line.
 */
export function cause(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^(Original Line|Possible Solution|LINE \d+:)/i.test(line));
  const first = lines[0] ?? 'unknown error';
  if (/CSV Error on Line/i.test(first)) {
    const reason = lines[1] ?? '';
    if (/Invalid unicode/i.test(reason)) return `${lineOf(first)}is not valid UTF-8`;
    const size = /Maximum line size of (\d+) bytes exceeded/i.exec(reason);
    if (size) return `${lineOf(first)}is longer than the ${size[1]} bytes a line may have`;
    return `${first.replace(/^.*?(CSV Error)/, '$1')}: ${reason}`.slice(0, 300);
  }
  if (/not a GZIP stream/i.test(first)) return 'it is not a gzip stream, or bytes follow the end of its gzip data';
  return first.slice(0, 300);
}

function lineOf(first: string): string {
  const line = /Line: (\d+)/i.exec(first)?.[1];
  return line ? `line ${line} ` : 'a line ';
}
