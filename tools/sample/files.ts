// Writing archive files. NDJSON lines are built in SQL (`to_json`) and written through the CSV writer
// without quoting, several times faster than DuckDB's JSON writer; gzip runs in Node's zlib (in its thread
// pool), several times faster than DuckDB's gzip.

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip, gzip } from 'node:zlib';
import { type DuckDBConnection, DuckDBInstance, quotedString } from '@duckdb/node-api';
import { PublisherError } from '../../src/core/errors.js';
import type { FileFormat } from './commands.js';

/** zlib's default level, which most producers keep. */
const GZIP_LEVEL = 6;
const gzipAsync = promisify(gzip);

/** Writes the rows of `sql` (Parquet columns, or one `line` column for NDJSON) to `path`; returns the rows written. */
export async function writeEvents(
  connection: DuckDBConnection,
  sql: string,
  format: FileFormat,
  path: string,
): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  if (format === 'parquet') {
    return Number((await connection.run(`COPY (${sql}) TO ${quotedString(path)} (FORMAT parquet)`)).rowsChanged);
  }
  // One VARCHAR column of JSON text: no header, no quoting, a delimiter JSON never contains unescaped.
  const copy = (target: string) =>
    connection.run(
      `COPY (${sql}) TO ${quotedString(target)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER E'\\x01')`,
    );
  if (format === 'ndjson') return Number((await copy(path)).rowsChanged);
  // A hidden name while unfinished: readers of the archive skip names starting with a dot.
  const plain = join(dirname(path), `.${basename(path)}.part`);
  try {
    const rows = Number((await copy(plain)).rowsChanged);
    await pipeline(createReadStream(plain), createGzip({ level: GZIP_LEVEL }), createWriteStream(path));
    return rows;
  } finally {
    await rm(plain, { force: true });
  }
}

/** Writes NDJSON text, gzipped (in Node's thread pool) for `.ndjson.gz`. */
export async function writeTextFile(path: string, format: FileFormat, lines: readonly string[]): Promise<void> {
  if (format === 'parquet') throw new PublisherError('E_INTERNAL', `cannot write text lines as Parquet file ${path}`);
  const text = Buffer.from(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  if (format === 'ndjson.gz') return writeGzip(path, text);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

export async function writeGzip(path: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, await gzipAsync(bytes, { level: GZIP_LEVEL }));
}

/** Refuses a folder that already holds anything: the archive must be exactly what the options describe. */
export async function prepareEmptyFolder(out: string): Promise<void> {
  try {
    const entries = await readdir(out);
    if (entries.length > 0) {
      throw new PublisherError(
        'E_CONFIG',
        `option \`out\` must be a new or empty folder, but ${out} holds ${entries.length} entries (e.g. ${entries[0]})`,
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof PublisherError) throw error;
      throw new PublisherError('E_CONFIG', `option \`out\` (${out}) cannot be used as a folder`, { cause: error });
    }
  }
  await mkdir(out, { recursive: true });
}

export async function fileBytes(path: string): Promise<number> {
  return (await stat(path)).size;
}

export interface DuckPool {
  connections: DuckDBConnection[];
  /** Runs the jobs in order of the list, as many at a time as there are connections. */
  run<T>(jobs: readonly T[], work: (connection: DuckDBConnection, job: T) => Promise<void>): Promise<void>;
  /** Runs one big statement with every core (the pool's queries otherwise run on one thread each). */
  allThreads<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  close(): void;
}

/**
 * One DuckDB instance with a connection per core, DuckDB itself on one thread: files are written side by
 * side, one query per core. One thread per query is also what keeps rows in order through a partitioned
 * COPY (with more, DuckDB interleaves them), and a generating query reads range(), which DuckDB scans on
 * one thread anyway.
 */
export async function openDuckPool(): Promise<DuckPool> {
  const workers = Math.max(1, Math.min(8, availableParallelism()));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1', preserve_insertion_order: 'true' });
  const connections: DuckDBConnection[] = [];
  const close = () => {
    for (const connection of connections) connection.closeSync();
    instance.closeSync();
  };
  try {
    for (let i = 0; i < workers; i++) {
      const connection = await instance.connect();
      connections.push(connection);
      await connection.run(`SET TimeZone = 'UTC'`);
    }
  } catch (error) {
    close();
    throw error;
  }
  const first = connections[0]!;
  return {
    connections,
    close,
    async run(jobs, work) {
      let next = 0;
      let failed: unknown;
      await Promise.all(
        connections.map(async (connection) => {
          while (failed === undefined && next < jobs.length) {
            const job = jobs[next++]!;
            try {
              await work(connection, job);
            } catch (error) {
              failed ??= error;
            }
          }
        }),
      );
      if (failed !== undefined) throw failed;
    },
    async allThreads(work) {
      await first.run(`SET threads = ${workers}`);
      try {
        return await work(first);
      } finally {
        await first.run('SET threads = 1');
      }
    },
  };
}
