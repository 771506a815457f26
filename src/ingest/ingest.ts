// Loads the archive's events into `archive_rows`, a week of files at a time (so memory stays bounded),
// with the reason each unusable event is rejected; `events` is the view of the usable ones. Nothing here
// throws on bad events: the caller decides whether the share of rejects is acceptable. A file that
// cannot be read, or read to its end, stops the run naming that file (read-errors.ts, gzip.ts).
//
// Each format yields candidates, one row per line or row with the raw fields (ndjson-candidates.sql,
// parquet-candidates.sql), and classify.sql validates them by one set of rules for every format.
import { listValue } from '@duckdb/node-api';
import { type ArchiveFile, isGzip, isLiteralPath } from '../archive/index.js';
import { PublisherError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { NO_PROGRESS, type Progress } from '../core/progress.js';
import { type Duck, type SqlParams, sqlFile } from '../engine/duck.js';
import { verifyGzipFiles } from './gzip.js';
import { fieldTypesByFile, parquetCandidatesSql, type SchemaElement, schemaKey } from './parquet.js';
import { batchError } from './read-errors.js';
import { fillTemplate } from './template.js';

/** Why an event is not used. Stable names: they appear in the run summary. */
export const REJECT_REASONS = [
  'not_json',
  'missing_timestamp',
  'invalid_timestamp',
  'timestamp_outside_day',
  'missing_machine_id',
  'wrong_type',
  'unknown_event',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

const DAYS_PER_BATCH = 7;

export interface IngestResult {
  eventsRead: number;
  accepted: number;
  rejected: Record<RejectReason, number>;
  files: number;
}

/** A read of some files: the candidates' SQL and the parameters it names. */
interface Read {
  sql: string;
  params: SqlParams;
}

/**
 * `temporary` keeps the events out of the database file (in memory, spilled to temp_directory when
 * large): nothing after the run reads them, and not writing them out is the cheapest way to hold them.
 */
export async function ingestArchive(
  duck: Duck,
  files: readonly ArchiveFile[],
  logger: Logger,
  temporary = false,
  progress: Progress = NO_PROGRESS,
): Promise<IngestResult> {
  const globbed = files.find((file) => !isLiteralPath(file.path));
  if (globbed) {
    throw new PublisherError('E_INTERNAL', `archive file path ${JSON.stringify(globbed.path)} would be read as a glob`);
  }
  await createArchiveTables(duck, files, temporary);
  // Started before DuckDB reads, and checked once it has: the two run side by side.
  const gzipCheck = verifyGzipFiles(files.filter(isGzip));
  const days = [...new Set(files.map((file) => file.day))].sort();
  // A week of files per statement: few statements, and memory bounded by a week of events.
  for (let start = 0; start < days.length; start += DAYS_PER_BATCH) {
    const batch = new Set(days.slice(start, start + DAYS_PER_BATCH));
    const ofBatch = files.filter((file) => batch.has(file.day));
    const ndjson = ofBatch.filter((file) => file.format === 'ndjson');
    const parquet = ofBatch.filter((file) => file.format === 'parquet');
    if (ndjson.length > 0) await loadBatch(duck, ndjson, async (some) => ndjsonRead(some));
    if (parquet.length > 0) await loadBatch(duck, parquet, (some) => parquetRead(duck, some));
    progress.add('files', ofBatch.length);
    progress.add(
      'bytes',
      ofBatch.reduce((sum, file) => sum + file.bytes, 0),
    );
    progress.add('days', batch.size);
  }
  const incomplete = await gzipCheck;
  if (incomplete) throw incomplete;
  const result = await summarise(duck, files.length);
  logger.info('read archive', {
    files: files.length,
    days: days.length,
    events: result.eventsRead,
    accepted: result.accepted,
  });
  return result;
}

async function createArchiveTables(duck: Duck, files: readonly ArchiveFile[], temporary: boolean): Promise<void> {
  await duck.run(fillTemplate(sqlFile(import.meta.url, 'archive-tables.sql'), { temporary: temporary ? 'TEMP ' : '' }));
  if (files.length === 0) return;
  await duck.run(sqlFile(import.meta.url, 'archive-files.sql'), {
    paths: listValue(files.map((file) => file.path)),
    days: listValue(files.map((file) => file.day)),
    sources: listValue(files.map((file) => file.source)),
  });
}

/** Reads `files` into `archive_rows` in one statement; when it fails, finds the file to blame. */
async function loadBatch(
  duck: Duck,
  files: readonly ArchiveFile[],
  read: (files: readonly ArchiveFile[]) => Promise<Read>,
): Promise<void> {
  try {
    const candidates = await read(files);
    await duck.run(
      fillTemplate(sqlFile(import.meta.url, 'classify.sql'), { candidates: candidates.sql }),
      candidates.params,
    );
  } catch (error) {
    if (error instanceof PublisherError) throw error;
    throw await batchError(duck, files, error, async (file) => {
      const alone = await read([file]);
      // Every column of every row, as the batch reads them, into a table that is dropped again.
      await duck.run(`CREATE OR REPLACE TEMP TABLE ingest_probe AS ${alone.sql}`, alone.params);
      await duck.run('DROP TABLE ingest_probe');
    });
  }
}

function ndjsonRead(files: readonly ArchiveFile[]): Read {
  return {
    sql: fillTemplate(sqlFile(import.meta.url, 'ndjson-candidates.sql'), { files: '$ndjson_files' }),
    params: { ndjson_files: listValue(files.map((file) => file.path)) },
  };
}

/** One `read_parquet` per schema of the contract's fields among the files (parquet.ts). */
async function parquetRead(duck: Duck, files: readonly ArchiveFile[]): Promise<Read> {
  const elements = await duck.all<SchemaElement>(
    `SELECT file_name, name, duckdb_type, num_children::VARCHAR AS num_children, converted_type, repetition_type
     FROM parquet_schema($files)`,
    { files: listValue(files.map((file) => file.path)) },
  );
  const typesByFile = fieldTypesByFile(elements);
  const groups = new Map<string, { types: NonNullable<ReturnType<typeof typesByFile.get>>; paths: string[] }>();
  for (const file of files) {
    const types = typesByFile.get(file.path) ?? {};
    const key = schemaKey(types);
    const group = groups.get(key) ?? { types, paths: [] };
    group.paths.push(file.path);
    groups.set(key, group);
  }
  const template = sqlFile(import.meta.url, 'parquet-candidates.sql');
  const params: SqlParams = {};
  const selects = [...groups.values()].map((group, index) => {
    params[`parquet_files_${index}`] = listValue(group.paths);
    return parquetCandidatesSql(template, group.types, `parquet_files_${index}`);
  });
  return { sql: selects.join('\nUNION ALL\n'), params };
}

async function summarise(duck: Duck, fileCount: number): Promise<IngestResult> {
  const [totals] = await duck.all<{ read: string | null; accepted: string | null }>(
    `SELECT (SELECT sum(events) FROM file_reads)::BIGINT AS read, (SELECT count(*) FROM events)::BIGINT AS accepted`,
  );
  const rows = await duck.all<{ reason: RejectReason; events: string }>(
    `SELECT reason, sum(events)::BIGINT AS events FROM rejects GROUP BY reason`,
  );
  const rejected = Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 0])) as Record<RejectReason, number>;
  for (const row of rows) rejected[row.reason] = Number(row.events);
  return { eventsRead: Number(totals?.read ?? 0), accepted: Number(totals?.accepted ?? 0), rejected, files: fileCount };
}

export interface WorstFile {
  file: string;
  rejected: number;
  events: number;
}

/** How many of the worst files a failure names. */
export const WORST_FILES = 5;

/** Files with the most rejected events, worst first (by their archive path or URL): what the failure message names. */
export async function worstFiles(duck: Duck, limit = WORST_FILES): Promise<WorstFile[]> {
  const rows = await duck.all<{ file: string; rejected: string; events: string }>(
    `
    SELECT any_value(a.source) AS file, sum(r.events)::BIGINT AS rejected, any_value(f.events)::BIGINT AS events
    FROM rejects r JOIN (SELECT file, sum(events) AS events FROM file_reads GROUP BY file) f USING (file)
      JOIN archive_files a USING (file)
    GROUP BY r.file ORDER BY rejected DESC, file LIMIT $limit`,
    { limit },
  );
  return rows.map((row) => ({ file: row.file, rejected: Number(row.rejected), events: Number(row.events) }));
}
