// The archive contract (`<archive>/date=YYYY-MM-DD/<any name>`, these extensions mixed freely) and the
// archive file as the later stages see it.
import { PublisherError } from '../core/errors.js';

export type ArchiveFormat = 'ndjson' | 'parquet';

export interface ArchiveFile {
  /** UTC day of the folder the file sits in. */
  day: string;
  /** The file's name in its day folder, as the archive lists it (what the input manifest records). */
  name: string;
  /**
   * The local path to read: DuckDB reads it literally (no glob character, a lower-case extension).
   * Often the archive's own path, but it may be a link in the work folder or a staged copy of an S3
   * object: never parse it, use `day`, `name` and `source`.
   */
  path: string;
  /** Where it came from, for messages: the archive path or the s3:// URL. */
  source: string;
  format: ArchiveFormat;
  bytes: number;
}

const FORMATS: ReadonlyArray<[suffix: string, format: ArchiveFormat]> = [
  ['.ndjson.gz', 'ndjson'],
  ['.jsonl.gz', 'ndjson'],
  ['.ndjson', 'ndjson'],
  ['.jsonl', 'ndjson'],
  ['.parquet', 'parquet'],
];

/** The contract's extension of a name, lower-cased (`.ndjson.gz` for `A.NDJSON.GZ`), if it has one. */
export function suffixOf(name: string): string | undefined {
  const lower = name.toLowerCase();
  return FORMATS.find(([suffix]) => lower.endsWith(suffix))?.[0];
}

export function formatOf(name: string): ArchiveFormat | undefined {
  const suffix = suffixOf(name);
  return FORMATS.find(([known]) => known === suffix)?.[1];
}

/** Whether the file is gzip-compressed (DuckDB decides by the `.gz` extension, so must we). */
export function isGzip(file: Pick<ArchiveFile, 'name'>): boolean {
  return suffixOf(file.name)?.endsWith('.gz') ?? false;
}

/** Names a writer leaves while it is still writing (hidden, `_tmp`, `.crc`) are not data. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

export function dayFolder(day: string): string {
  return `date=${day}`;
}

/**
 * Whether DuckDB reads `path` as that one file. DuckDB treats `*`, `?` and `[` anywhere in a path as a
 * glob (and then splits the path at `\` too), and picks gzip from a lower-case `.gz`; braces are
 * refused as well, in case a later DuckDB expands them.
 */
export function isLiteralPath(path: string): boolean {
  if (/[*?[\]{}\\]/.test(path)) return false;
  const suffix = suffixOf(path);
  return suffix !== undefined && path.endsWith(suffix);
}

/** The work folder (in --temp-dir) must itself be read literally: links and staged copies live there. */
export function unsafeWorkFolder(folder: string): PublisherError {
  return new PublisherError(
    'E_CONFIG',
    `the work folder ${folder} holds a character DuckDB reads as a glob (* ? [ ] { } \\): set --temp-dir (TP_TEMP_DIR) to a path without them`,
  );
}

/** An archive file as the input manifest records it: path under the archive root and size. */
export interface InputFile {
  path: string;
  bytes: number;
}

export function inputOf(file: ArchiveFile): InputFile {
  return { path: `${dayFolder(file.day)}/${file.name}`, bytes: file.bytes };
}
