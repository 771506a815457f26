import { basename } from 'node:path';

/** The archive contract: `<archive>/date=YYYY-MM-DD/<any name>` with these extensions, mixed freely. */
export type ArchiveFormat = 'ndjson' | 'parquet';

export interface ArchiveFile {
  /** UTC day of the folder the file sits in. */
  day: string;
  /** Local path (S3 archives are staged to a local folder first). */
  path: string;
  /** Where it came from, for messages: the local path or the s3:// URL. */
  source: string;
  format: ArchiveFormat;
  bytes: number;
}

const FORMATS: ReadonlyArray<[suffix: string, format: ArchiveFormat]> = [
  ['.ndjson', 'ndjson'],
  ['.ndjson.gz', 'ndjson'],
  ['.jsonl', 'ndjson'],
  ['.jsonl.gz', 'ndjson'],
  ['.parquet', 'parquet'],
];

export function formatOf(name: string): ArchiveFormat | undefined {
  const lower = name.toLowerCase();
  return FORMATS.find(([suffix]) => lower.endsWith(suffix))?.[1];
}

/** Names a writer leaves while it is still writing (hidden, `_tmp`, `.crc`) are not data. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

export function dayFolder(day: string): string {
  return `date=${day}`;
}

/** An archive file as the input manifest records it: path under the archive root and size. */
export interface InputFile {
  path: string;
  bytes: number;
}

export function inputOf(file: ArchiveFile): InputFile {
  return { path: `${dayFolder(file.day)}/${basename(file.path)}`, bytes: file.bytes };
}
