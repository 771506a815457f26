// The archive files a published quarter file was computed from, as its input manifest lists them
// (`inputs/<key>.json` in the target: paths under the archive root and sizes), found and checked by the
// audit itself: nothing here lists the archive, so a late file (a withheld revision) is never judged
// with the quarter, and a listed file that is gone, resized, outside the archive root or not a regular
// file is a problem named by its path, never silently recomputed around.
//
// A local archive is read where it is; from an S3 archive each listed object is copied to a staging
// folder first (a copy, not a reader: read-archive.ts reads the copies).
import { lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { PublisherError } from '../core/errors.js';
import { inputManifestKey } from '../core/keys.js';
import type { Logger } from '../core/log.js';
import { quarterDays } from '../core/quarter.js';
import type { Quarter } from '../core/release.js';
import type { Store } from '../publish/store/index.js';

/** A file of the manifest, as it lists it. */
export interface ManifestFile {
  path: string;
  bytes: number;
}

export type AuditFormat = 'ndjson' | 'parquet';

/** A manifest file found as listed, ready to read. */
export interface AuditInput {
  /** Its path in the manifest: `date=YYYY-MM-DD/<name>`. */
  path: string;
  day: string;
  format: AuditFormat;
  /** The local file to read (the archive's own, or its staged copy). */
  local: string;
  /** Where it is, for messages: the local path or the s3:// URL. */
  source: string;
}

export interface InputProblem {
  rule: 'input_missing' | 'input_changed' | 'input_refused' | 'input_unreadable';
  path: string;
  detail: string;
}

/** The manifest of a published quarter file: its files, or why they cannot be known. */
export async function readManifest(
  target: Store,
  dataKey: string,
): Promise<{ files: ManifestFile[] } | { problem: string }> {
  const key = inputManifestKey(dataKey);
  const body = await target.getBytes(key);
  if (!body)
    return {
      problem: `no input manifest ${target.describe(key)}: the inputs ${dataKey} was computed from are unknown, so it is not recomputed`,
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return { problem: `input manifest ${target.describe(key)} is not JSON: ${(error as Error).message}` };
  }
  const files = (parsed as { files?: unknown })?.files;
  const valid =
    Array.isArray(files) &&
    files.every(
      (file) => typeof file?.path === 'string' && typeof file?.bytes === 'number' && Number.isSafeInteger(file.bytes),
    );
  if (!valid) return { problem: `input manifest ${target.describe(key)} has no list of files {path, bytes}` };
  return { files: (files as ManifestFile[]).map(({ path, bytes }) => ({ path, bytes })) };
}

const FORMATS: ReadonlyArray<[suffix: string, format: AuditFormat]> = [
  ['.ndjson', 'ndjson'],
  ['.ndjson.gz', 'ndjson'],
  ['.jsonl', 'ndjson'],
  ['.jsonl.gz', 'ndjson'],
  ['.parquet', 'parquet'],
];

const MANIFEST_PATH = /^date=(\d{4}-\d{2}-\d{2})\/([^/\\]+)$/;

/** Finds and checks every file of the manifest; S3 objects are staged into `stagingDir`. */
export async function locateInputs(
  archive: string | Store,
  files: readonly ManifestFile[],
  quarter: Quarter,
  stagingDir: string,
  logger: Logger,
): Promise<{ inputs: AuditInput[]; problems: InputProblem[] }> {
  const days = new Set(quarterDays(quarter));
  const inputs: AuditInput[] = [];
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  const root = typeof archive === 'string' ? await archiveRoot(archive) : undefined;
  for (const file of files) {
    const refuse = (detail: string) => problems.push({ rule: 'input_refused', path: file.path, detail });
    const match = MANIFEST_PATH.exec(file.path);
    const name = match?.[2] ?? '';
    const format = FORMATS.find(([suffix]) => name.toLowerCase().endsWith(suffix))?.[1];
    if (!match || name === '.' || name === '..') refuse(`${file.path}: not a path date=YYYY-MM-DD/<file>`);
    else if (!days.has(match[1]!)) refuse(`${file.path}: its day is not in the quarter`);
    else if (!format) refuse(`${file.path}: not an archive file (.ndjson, .ndjson.gz, .jsonl, .jsonl.gz, .parquet)`);
    else if (seen.has(file.path)) refuse(`${file.path}: listed twice in the manifest`);
    else {
      seen.add(file.path);
      const found =
        root !== undefined
          ? await localInput(root, file)
          : await stagedInput(archive as Store, file, join(stagingDir, file.path));
      if ('rule' in found) problems.push(found);
      else inputs.push({ path: file.path, day: match[1]!, format, ...found });
    }
  }
  logger.info('audit inputs located', { files: files.length, found: inputs.length, problems: problems.length });
  return { inputs, problems };
}

async function archiveRoot(archive: string): Promise<string> {
  try {
    const root = await realpath(resolve(archive));
    if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
    return root;
  } catch (error) {
    throw new PublisherError(
      'E_ARCHIVE',
      `archive folder ${resolve(archive)} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  }
}

/** A file of a local archive: a regular file inside the archive root (a symlink may not leave it), of the listed size. */
async function localInput(
  root: string,
  file: ManifestFile,
): Promise<InputProblem | Omit<AuditInput, 'path' | 'day' | 'format'>> {
  const listed = join(root, file.path);
  const problem = (rule: InputProblem['rule'], detail: string): InputProblem => ({ rule, path: file.path, detail });
  let real: string;
  try {
    await lstat(listed);
    real = await realpath(listed);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return problem('input_missing', `${listed} is in the input manifest but not in the archive`);
    return problem('input_unreadable', `${listed} cannot be read: ${code ?? (error as Error).message}`);
  }
  if (!real.startsWith(root + sep))
    return problem('input_refused', `${listed} leads to ${real}, outside the archive root ${root}: not read`);
  const info = await stat(real);
  if (!info.isFile()) return problem('input_refused', `${listed} is not a regular file: not read`);
  if (info.size !== file.bytes)
    return problem(
      'input_changed',
      `${listed} has ${info.size} bytes, the input manifest ${file.bytes}: it changed after the quarter was published`,
    );
  return { local: real, source: listed };
}

/** An object of an S3 archive, of the listed size, copied to `local`. */
async function stagedInput(
  store: Store,
  file: ManifestFile,
  local: string,
): Promise<InputProblem | Omit<AuditInput, 'path' | 'day' | 'format'>> {
  const source = store.describe(file.path);
  const problem = (rule: InputProblem['rule'], detail: string): InputProblem => ({ rule, path: file.path, detail });
  const head = await store.head(file.path);
  if (!head) return problem('input_missing', `${source} is in the input manifest but not in the archive`);
  if (head.bytes !== file.bytes)
    return problem(
      'input_changed',
      `${source} has ${head.bytes} bytes, the input manifest ${file.bytes}: it changed after the quarter was published`,
    );
  await mkdir(join(local, '..'), { recursive: true });
  await store.download(file.path, local);
  const staged = (await stat(local)).size;
  if (staged !== file.bytes)
    return problem('input_changed', `${source} was ${staged} bytes when copied, the input manifest ${file.bytes}`);
  return { local, source };
}
