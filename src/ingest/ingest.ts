import type { ArchiveFile } from '../archive/files.js';
import { PublisherError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { type Duck, quotedString, sqlList } from '../engine/duck.js';

/**
 * Loads the archive's events into `archive_rows`, a week of files at a time (so memory stays bounded),
 * with the reason each unusable event is rejected; `events` is the view of the usable ones. Nothing here throws on bad events: the
 * caller decides whether the share of rejects is acceptable.
 */

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

/** The contract's string fields (besides timestamp and machine_id) that the job keeps. */
const STRING_FIELDS = [
  'event',
  'command',
  'os_family',
  'os_version',
  'runtime_id',
  'sdk_version',
  'ip_prefix',
  'environment',
  'product',
  'product_version',
] as const;

/**
 * `archive_rows` keeps every line or row read, with the reason it cannot be used (NULL when it can):
 * one pass over the files fills it, and `events`, `rejects` and `file_reads` are views of it.
 * - `file` is an ENUM of the run's file paths: one small integer a row instead of a path string.
 * - `machine_id` is the 64-bit hash of the id (NULL on rejected rows): every later step only groups and
 *   counts machines, integers move far faster than 64-character strings, and the id itself is never
 *   stored. Two machines whose hashes collide count as one, which can only suppress more.
 */
export function eventsTableSql(files: readonly ArchiveFile[], temporary = false): string {
  const temp = temporary ? 'TEMP ' : '';
  return `
CREATE TYPE archive_file AS ENUM (${files.map((file) => quotedString(file.path)).join(', ')});
CREATE ${temp}TABLE archive_rows (
  file archive_file NOT NULL, reason VARCHAR,
  day DATE, ts TIMESTAMPTZ, machine_id UBIGINT, event VARCHAR,
  command VARCHAR, exit_code BIGINT, os_family VARCHAR, os_version VARCHAR, runtime_id VARCHAR,
  sdk_version VARCHAR, ip_prefix VARCHAR, environment VARCHAR, is_container BOOLEAN,
  product VARCHAR, product_version VARCHAR, metrics JSON
);
CREATE OR REPLACE ${temp}VIEW events AS
  SELECT day, ts, machine_id, coalesce(event, 'command') AS event, command, exit_code, os_family, os_version, runtime_id,
         sdk_version, ip_prefix, environment, is_container, product, product_version, metrics
  FROM archive_rows WHERE reason IS NULL;
CREATE OR REPLACE ${temp}VIEW rejects AS SELECT file, reason, count(*) AS events FROM archive_rows WHERE reason IS NOT NULL GROUP BY ALL;
CREATE OR REPLACE ${temp}VIEW file_reads AS SELECT file, count(*) AS events FROM archive_rows GROUP BY ALL;
`;
}

const DAYS_PER_BATCH = 7;

export interface IngestResult {
  eventsRead: number;
  accepted: number;
  rejected: Record<RejectReason, number>;
  files: number;
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
): Promise<IngestResult> {
  await duck.run(eventsTableSql(files, temporary));
  const days = [...new Set(files.map((file) => file.day))].sort();
  // A week of files per statement: few statements, and memory bounded by a week of events.
  for (let start = 0; start < days.length; start += DAYS_PER_BATCH) {
    const batch = new Set(days.slice(start, start + DAYS_PER_BATCH));
    const ofBatch = files.filter((file) => batch.has(file.day));
    const ndjson = ofBatch.filter((file) => file.format === 'ndjson');
    const parquet = ofBatch.filter((file) => file.format === 'parquet');
    if (ndjson.length > 0) await loadCandidates(duck, ndjsonCandidates(ndjson), ndjson);
    if (parquet.length > 0) await loadCandidates(duck, await parquetCandidates(duck, parquet), parquet);
  }
  const result = await summarise(duck, files.length);
  logger.info('read archive', {
    files: files.length,
    days: days.length,
    events: result.eventsRead,
    accepted: result.accepted,
  });
  return result;
}

/**
 * Each source yields one row per event with the raw fields as text plus a `type_error` flag, so that
 * NDJSON and Parquet are validated by the same rules below.
 */
function ndjsonCandidates(files: readonly ArchiveFile[]): string {
  // Every field is pulled out with one multi-path json_extract (one parse per line); the type checks then
  // look at the small extracted fragments instead of parsing the whole line again for each field.
  const fields = ['timestamp', 'machine_id', ...STRING_FIELDS, 'exit_code', 'is_container', 'metrics'] as const;
  const at = (field: (typeof fields)[number]) => `v[${fields.indexOf(field) + 1}]`;
  const typeOf = (field: (typeof fields)[number]) => `coalesce(json_type(${at(field)}), 'NULL')`;
  const stringTypeError = ['timestamp', 'machine_id', ...STRING_FIELDS]
    .map((field) => `${typeOf(field as (typeof fields)[number])} NOT IN ('VARCHAR', 'NULL')`)
    .join(' OR ');
  const text = (field: (typeof fields)[number]) => `json_extract_string(${at(field)}, '$')`;
  // A delimiter that JSON text cannot contain unescaped: every line arrives whole, however malformed.
  return `
    WITH lines AS (
      SELECT filename AS file, line
      FROM read_csv(${sqlList(files.map((file) => file.path))}, columns = {'line': 'VARCHAR'}, header = false,
                    delim = E'\\x01', quote = '', escape = '', auto_detect = false, filename = true,
                    max_line_size = 16777216)
      WHERE line IS NOT NULL AND trim(line) <> ''
    ), parsed AS MATERIALIZED (
      SELECT file,
        CASE WHEN json_valid(line) AND starts_with(ltrim(line), '{')
          THEN json_extract(line, [${fields.map((field) => `'$.${field}'`).join(', ')}]) END AS v
      FROM lines
    )
    SELECT file, v IS NULL AS not_json,
      ${text('timestamp')} AS timestamp_text, NULL::TIMESTAMPTZ AS timestamp_value,
      ${text('machine_id')} AS machine_id,
      ${STRING_FIELDS.map((field) => `${text(field)} AS ${field}`).join(', ')},
      TRY_CAST(${text('exit_code')} AS BIGINT) AS exit_code,
      TRY_CAST(${text('is_container')} AS BOOLEAN) AS is_container,
      CASE WHEN ${typeOf('metrics')} = 'OBJECT' THEN ${at('metrics')} END AS metrics,
      (${stringTypeError}
        OR ${typeOf('exit_code')} NOT IN ('BIGINT', 'UBIGINT', 'NULL')
        OR ${typeOf('is_container')} NOT IN ('BOOLEAN', 'NULL')
        OR ${typeOf('metrics')} NOT IN ('OBJECT', 'NULL')) AS type_error
    FROM parsed`;
}

async function parquetCandidates(duck: Duck, files: readonly ArchiveFile[]): Promise<string> {
  const source = `read_parquet(${sqlList(files.map((file) => file.path))}, union_by_name = true, filename = true)`;
  let columns: Array<{ column_name: string; column_type: string }>;
  try {
    columns = await duck.all(`DESCRIBE SELECT * FROM ${source}`);
  } catch (error) {
    throw unreadable(files, error);
  }
  const typeOf = new Map(columns.map((column) => [column.column_name, column.column_type]));
  const text = (field: string): { value: string; error: string } => {
    const type = typeOf.get(field);
    if (type === undefined) return { value: 'NULL::VARCHAR', error: 'false' };
    if (type === 'VARCHAR') return { value: `"${field}"`, error: 'false' };
    return { value: 'NULL::VARCHAR', error: `"${field}" IS NOT NULL` };
  };
  const typed = (
    field: string,
    sqlType: string,
    accepted: (type: string) => boolean,
  ): { value: string; error: string } => {
    const type = typeOf.get(field);
    if (type === undefined) return { value: `NULL::${sqlType}`, error: 'false' };
    if (accepted(type)) return { value: `TRY_CAST("${field}" AS ${sqlType})`, error: 'false' };
    return { value: `NULL::${sqlType}`, error: `"${field}" IS NOT NULL` };
  };
  const isInteger = (type: string) => /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)$/.test(type);
  const timestampType = typeOf.get('timestamp');
  const timestampIsValue = timestampType?.startsWith('TIMESTAMP');
  const timestamp = timestampIsValue ? { value: 'NULL::VARCHAR', error: 'false' } : text('timestamp');
  const machine = text('machine_id');
  const strings = STRING_FIELDS.map((field) => ({ field, ...text(field) }));
  const exitCode = typed('exit_code', 'BIGINT', isInteger);
  const container = typed('is_container', 'BOOLEAN', (type) => type === 'BOOLEAN');
  const metricsType = typeOf.get('metrics');
  const metrics =
    metricsType === undefined
      ? { value: 'NULL::JSON', error: 'false' }
      : metricsType.startsWith('STRUCT')
        ? // union_by_name merges the structs of different producers: drop the keys a row never had (NULLs).
          { value: `json_merge_patch('{}', to_json("metrics"))`, error: 'false' }
        : metricsType === 'VARCHAR' || metricsType === 'JSON'
          ? {
              value: `CASE WHEN json_valid("metrics") AND json_type("metrics"::JSON) = 'OBJECT' THEN "metrics"::JSON END`,
              error: `"metrics" IS NOT NULL AND NOT (json_valid("metrics") AND json_type("metrics"::JSON) = 'OBJECT')`,
            }
          : { value: 'NULL::JSON', error: '"metrics" IS NOT NULL' };
  const errors = [timestamp, machine, ...strings, exitCode, container, metrics]
    .map((part) => part.error)
    .filter((e) => e !== 'false');
  return `
    SELECT filename AS file, false AS not_json,
      ${timestamp.value} AS timestamp_text,
      ${timestampIsValue ? `"timestamp"::TIMESTAMPTZ` : 'NULL::TIMESTAMPTZ'} AS timestamp_value,
      ${machine.value} AS machine_id,
      ${strings.map((part) => `${part.value} AS ${part.field}`).join(', ')},
      ${exitCode.value} AS exit_code, ${container.value} AS is_container, ${metrics.value} AS metrics,
      (${errors.length > 0 ? errors.join(' OR ') : 'false'}) AS type_error
    FROM ${source}`;
}

/** Validates candidates with one set of rules, in the same pass that stores them in `archive_rows`. */
async function loadCandidates(duck: Duck, candidates: string, files: readonly ArchiveFile[]): Promise<void> {
  // The UTC day an event must fall on is its folder's (files are listed from date=YYYY-MM-DD folders).
  // The session time zone is UTC (duck.ts), so the folder's date casts to its UTC midnight; comparing
  // instants is 10x cheaper than converting every timestamp to a calendar date.
  const folderDay = `CAST(regexp_extract(file, '/date=([0-9]{4}-[0-9]{2}-[0-9]{2})/[^/]*$', 1) AS DATE)`;
  const classified = `
    WITH c AS (SELECT *, ${folderDay} AS folder_day, folder_day::TIMESTAMPTZ AS folder_start FROM (${candidates})), t AS (
      SELECT *, coalesce(timestamp_value,
        CASE WHEN regexp_matches(timestamp_text, '(Z|z|[+-]\\d\\d(:?\\d\\d)?)$') THEN TRY_CAST(timestamp_text AS TIMESTAMPTZ) END) AS ts
      FROM c
    )
    SELECT *, CASE
      WHEN not_json THEN 'not_json'
      WHEN type_error THEN 'wrong_type'
      WHEN timestamp_value IS NULL AND timestamp_text IS NULL THEN 'missing_timestamp'
      WHEN ts IS NULL THEN 'invalid_timestamp'
      WHEN NOT (ts >= folder_start AND ts < folder_start + INTERVAL 1 DAY) THEN 'timestamp_outside_day'
      WHEN machine_id IS NULL OR ${blank('machine_id')} THEN 'missing_machine_id'
      WHEN coalesce(event, 'command') NOT IN ('command', 'snapshot') THEN 'unknown_event'
    END AS reason
    FROM t`;
  try {
    await duck.run(`
      INSERT INTO archive_rows
        SELECT file, reason, folder_day, ts, CASE WHEN reason IS NULL THEN hash(machine_id) END, event, command, exit_code, os_family, os_version,
               runtime_id, sdk_version, ip_prefix, environment, is_container, product, product_version, metrics
        FROM (${classified})`);
  } catch (error) {
    throw unreadable(files, error);
  }
}

/**
 * `trim(x) = ''` without trimming every value: DuckDB's trim costs 0.2 us on a 64-character id (2 s on
 * 10M events). A value whose first character is printable ASCII other than a space cannot trim to
 * nothing (trim removes Unicode spaces), and CASE evaluates the trim for the other rows alone.
 */
function blank(column: string): string {
  return `CASE WHEN unicode(${column}) BETWEEN 33 AND 126 THEN false ELSE trim(${column}) = '' END`;
}

function unreadable(files: readonly ArchiveFile[], error: unknown): PublisherError {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const named = files.find((file) => message?.includes(file.path));
  const where = named
    ? named.source
    : files.length === 1
      ? files[0]!.source
      : `one of ${files.map((f) => f.source).join(', ')}`;
  return new PublisherError('E_ARCHIVE', `archive file cannot be read (${where}): ${message}`, { cause: error });
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

/** Files with the most rejected events, worst first: what the failure message names. */
export async function worstFiles(
  duck: Duck,
  limit = 5,
): Promise<Array<{ file: string; rejected: number; events: number }>> {
  const rows = await duck.all<{ file: string; rejected: string; events: string }>(`
    SELECT r.file, sum(r.events)::BIGINT AS rejected, any_value(f.events)::BIGINT AS events
    FROM rejects r JOIN (SELECT file, sum(events) AS events FROM file_reads GROUP BY file) f USING (file)
    GROUP BY r.file ORDER BY rejected DESC, r.file LIMIT ${limit}`);
  return rows.map((row) => ({ file: row.file, rejected: Number(row.rejected), events: Number(row.events) }));
}
