// Writes the files of all stretches (quarters) with a handful of queries per stretch instead of one per
// file: a day's file is small, and a query costs milliseconds to plan and join. Parquet and NDJSON files
// come out of partitioned COPYs into a staging folder and are moved into place (NDJSON gzipped in Node's
// thread pool, bad lines mixed in). Each event is generated once; the parts of all stretches share the
// pool, biggest first, so no core waits for a stretch to finish.

import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type DuckDBConnection, quotedString } from '@duckdb/node-api';
import { PublisherError } from '../../src/core/errors.js';
import {
  commandColumns,
  commandRowsSql,
  type ExtraEvent,
  type FileFormat,
  fileSelect,
  jsonLine,
  setExtraEvents,
} from './commands.js';
import type { DuckPool } from './files.js';
import { writeGzip, writeTextFile } from './files.js';
import type { FileJob } from './layout.js';
import type { ProductSpec } from './products.js';
import { createRandom } from './random.js';
import { snapshotColumns, snapshotRowsSql } from './snapshots.js';

export interface StretchSettings {
  seed: number;
  machines: number;
  /** First epoch day of the archive: snapshot metrics grow from there. */
  firstDay: number;
  products: readonly ProductSpec[];
  out: string;
}

/** The files of one stretch; file ids are unique across stretches. */
export interface StretchPlan {
  jobs: readonly FileJob[];
  extras: readonly ExtraEvent[];
}

export interface StretchResult {
  files: number;
  commandEvents: number;
  snapshotEvents: number;
  badLines: number;
}

interface Part {
  /** Rough cost, to start the biggest parts first. */
  cost: number;
  run(connection: DuckDBConnection): Promise<void>;
}

const FILE_TABLE = 'sample_files';
const EVENT_TABLE = 'sample_events';

export async function writeStretches(
  pool: DuckPool,
  settings: StretchSettings,
  plans: readonly StretchPlan[],
): Promise<StretchResult[]> {
  const jobs = plans.flatMap((plan) => plan.jobs);
  await prepareTables(
    pool.connections[0]!,
    jobs,
    plans.flatMap((plan) => plan.extras),
  );
  const byId = new Map(jobs.map((job) => [job.fileId, job]));
  const results = plans.map((): StretchResult => ({ files: 0, commandEvents: 0, snapshotEvents: 0, badLines: 0 }));
  const stretchOf = new Map(plans.flatMap((plan, index) => plan.jobs.map((job) => [job.fileId, index] as const)));
  const count = (job: FileJob, events: number, badLines: number) => {
    const result = results[stretchOf.get(job.fileId)!]!;
    result.files += 1;
    result.badLines += badLines;
    if (job.kind === 'commands') result.commandEvents += events;
    else result.snapshotEvents += events;
  };
  const parts = plans.flatMap((plan) => stretchParts(settings, plan.jobs, byId, count));
  parts.sort((a, b) => b.cost - a.cost);
  await pool.run(parts, (connection, part) => part.run(connection));
  return results;
}

function stretchParts(
  settings: StretchSettings,
  jobs: readonly FileJob[],
  byId: ReadonlyMap<number, FileJob>,
  count: (job: FileJob, events: number, badLines: number) => void,
): Part[] {
  const ids = jobs.map((job) => job.fileId);
  const inStretch = `file_id BETWEEN ${Math.min(...ids)} AND ${Math.max(...ids)}`;
  const days = jobs.map((job) => job.day.epochDay);
  const events = (format: FileFormat) =>
    jobs.reduce((sum, job) => sum + (job.kind === 'commands' && job.format === format ? job.to - job.from : 0), 0);

  const parquet = async (connection: DuckDBConnection, sql: string) => {
    const written = await copyPartitioned(connection, sql, 'parquet', settings.out, async (fileId, staged) => {
      await moveInto(staged, join(settings.out, byId.get(fileId)!.path));
      return 0;
    });
    for (const [fileId, n] of written) count(byId.get(fileId)!, n, 0);
  };
  const json = async (connection: DuckDBConnection, sql: string, badFormat?: FileFormat) => {
    const written = await copyPartitioned(connection, sql, 'ndjson', settings.out, (fileId, staged) =>
      finishJson(settings.seed, staged, byId.get(fileId)!, join(settings.out, byId.get(fileId)!.path)),
    );
    for (const [fileId, n] of written) {
      const job = byId.get(fileId)!;
      count(job, n, job.kind === 'commands' ? job.badLines.length : 0);
    }
    // A file whose day had no events of its own still gets its bad lines.
    for (const job of jobs) {
      if (job.kind === 'commands' && job.format === badFormat && job.badLines.length > 0 && !written.has(job.fileId)) {
        await writeTextFile(
          join(settings.out, job.path),
          job.format,
          job.badLines.map((line) => line.line),
        );
        count(job, 0, job.badLines.length);
      }
    }
  };

  const commands = (format: FileFormat) =>
    commandRowsSql({
      seed: settings.seed,
      machines: settings.machines,
      extras: true,
      source: `SELECT file_id, epoch_day, i FROM ${EVENT_TABLE} WHERE format = '${format}' AND ${inStretch}`,
    });
  const parts: Part[] = [
    {
      cost: events('parquet') * 1.2,
      run: (connection) =>
        parquet(
          connection,
          fileSelect(
            [['file_id', 'file_id'], ...commandColumns('parquet', true)],
            'parquet',
            `(${commands('parquet')})`,
          ),
        ),
    },
    ...(['ndjson', 'ndjson.gz'] as const).map((format) => ({
      cost: events(format) * (format === 'ndjson' ? 1 : 1.4),
      // The older collector behind the plain .ndjson command files leaves out `event` (the contract's default).
      run: (connection: DuckDBConnection) =>
        json(
          connection,
          `SELECT file_id, ${jsonLine(commandColumns(format, format !== 'ndjson'))} AS line FROM (${commands(format)})`,
          format,
        ),
    })),
  ];
  for (const product of settings.products) {
    const snapshots = (formats: string) =>
      snapshotRowsSql({
        seed: settings.seed,
        product,
        firstDay: settings.firstDay,
        fromDay: Math.min(...days),
        toDay: Math.max(...days),
        source: `SELECT file_id, epoch_day FROM ${FILE_TABLE}
          WHERE kind = 'snapshots' AND product = ${quotedString(product.product)} AND format IN (${formats}) AND ${inStretch}`,
      });
    // Snapshot parts are small: they fill the gaps at the end.
    parts.push(
      {
        cost: 0,
        run: (connection) =>
          parquet(
            connection,
            fileSelect(
              [['file_id', 'file_id'], ...snapshotColumns('parquet')],
              'parquet',
              `(${snapshots(`'parquet'`)})`,
            ),
          ),
      },
      {
        cost: 0,
        run: (connection) =>
          json(
            connection,
            `SELECT file_id, ${jsonLine(snapshotColumns('ndjson'))} AS line FROM (${snapshots(`'ndjson', 'ndjson.gz'`)})`,
          ),
      },
    );
  }
  return parts;
}

async function prepareTables(
  connection: DuckDBConnection,
  jobs: readonly FileJob[],
  extras: readonly ExtraEvent[],
): Promise<void> {
  const files = jobs.map((job) =>
    job.kind === 'commands'
      ? `(${job.fileId}, 'commands', ${job.day.epochDay}, ${job.from}, ${job.to}, NULL, '${job.format}')`
      : `(${job.fileId}, 'snapshots', ${job.day.epochDay}, 0, 0, ${quotedString(job.product.product)}, '${job.format}')`,
  );
  await connection.run(`
    CREATE OR REPLACE TABLE ${FILE_TABLE} AS
    SELECT * FROM (VALUES ${files.join(', ')}) v(file_id, kind, epoch_day, from_i, to_i, product, format)`);
  // Extras go into the first command file of their day.
  const firstFile = new Map<number, number>();
  for (const job of jobs) if (job.kind === 'commands' && job.extras) firstFile.set(job.day.epochDay, job.fileId);
  await setExtraEvents(
    connection,
    extras.flatMap((extra) => {
      const fileId = firstFile.get(extra.epochDay);
      return fileId === undefined ? [] : [{ ...extra, fileId }];
    }),
  );
  // Every event to generate, numbered within its day; extras are the rows with i < 0.
  await connection.run(`
    CREATE OR REPLACE TABLE ${EVENT_TABLE} AS
    SELECT file_id, epoch_day, unnest(range(from_i, to_i)) AS i, format FROM ${FILE_TABLE} WHERE kind = 'commands';
    INSERT INTO ${EVENT_TABLE}
    SELECT x.file_id, x.epoch_day, -1 - x.seq, f.format FROM extra_events x JOIN ${FILE_TABLE} f USING (file_id);`);
}

/**
 * One COPY for many files: partitioned by file id into a hidden staging folder, then each partition's file
 * is moved to its place (NDJSON through `finish`, which may mix in bad lines and gzip). DuckDB keeps the
 * rows' order within a partition only on one thread, which is why the pool runs with `threads = 1`.
 * Returns events per file id.
 */
async function copyPartitioned(
  connection: DuckDBConnection,
  sql: string,
  format: 'parquet' | 'ndjson',
  out: string,
  finish: (fileId: number, staged: string) => Promise<number>,
): Promise<Map<number, number>> {
  const staging = await mkdtemp(join(out, '.staging-'));
  try {
    const options =
      format === 'parquet' ? 'FORMAT parquet' : `FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER E'\\x01'`;
    await connection.run(`
      COPY (${sql}) TO ${quotedString(staging)} (${options}, PARTITION_BY (file_id), FILENAME_PATTERN 'data', OVERWRITE_OR_IGNORE)`);
    // Parquet footers know their row counts: one query for all files (before they move).
    const footers = new Map<string, number>();
    if (format === 'parquet') {
      const reader = await connection.runAndReadAll(
        `SELECT file_name, num_rows::INTEGER FROM parquet_file_metadata(${quotedString(join(staging, '*', '*.parquet'))})`,
      );
      for (const [name, rows] of reader.getRows() as Array<[string, number]>) footers.set(name, rows);
    }
    const events = new Map<number, number>();
    for (const partition of await readdir(staging)) {
      const fileId = Number(/^file_id=(\d+)$/.exec(partition)?.[1]);
      const names = await readdir(join(staging, partition));
      if (!Number.isInteger(fileId) || names.length !== 1) {
        throw new PublisherError(
          'E_INTERNAL',
          `unexpected staging output ${partition}/${names.join(',')} in ${staging}`,
        );
      }
      const staged = join(staging, partition, names[0]!);
      const footer = footers.get(staged);
      if (format === 'parquet' && footer === undefined) {
        throw new PublisherError('E_INTERNAL', `no Parquet footer read for ${staged}`);
      }
      const finished = await finish(fileId, staged);
      events.set(fileId, footer ?? finished);
    }
    return events;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function moveInto(staged: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await rename(staged, target);
}

/** Finishes a staged NDJSON file: bad lines mixed in at repeatable places, gzip for `.ndjson.gz`. */
async function finishJson(seed: number, staged: string, job: FileJob, target: string): Promise<number> {
  const bad = job.kind === 'commands' ? job.badLines.map((line) => line.line) : [];
  if (bad.length === 0) {
    const bytes = await readFile(staged);
    if (job.format === 'ndjson') await moveInto(staged, target);
    else await writeGzip(target, bytes);
    return countLines(bytes);
  }
  const text = await readFile(staged, 'utf8');
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  await writeTextFile(target, job.format, mixIn(seed, job.path, lines, bad));
  return lines.length;
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) lines += 1;
  return lines;
}

/** Bad lines land at repeatable random places among the good ones, as they would in a real file. */
function mixIn(seed: number, path: string, lines: readonly string[], bad: readonly string[]): string[] {
  if (bad.length === 0) return lines as string[];
  const random = createRandom(seed, `bad-positions:${path}`);
  const result = [...lines];
  for (const line of bad) result.splice(random.int(result.length + 1), 0, line);
  return result;
}
