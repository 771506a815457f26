// Command events in SQL. Events are numbered per day (0..n-1) and every random choice is a hash of (seed,
// day, number), so a day's events are the same however they are split over files or queries. Needs the
// `machines` table (machines.ts) and `extra_events`.

import { type DuckDBConnection, quotedString } from '@duckdb/node-api';
import { hex64, isoWithOffset, uniform } from './sql.js';
import { COMMANDS } from './vocabulary.js';

/** Zipf-like exponent of machine activity: the busiest machine has a few percent of all events. */
const MACHINE_ZIPF = 0.85;
/** Share of events that arrive without an IP prefix. */
const NO_IP_SHARE = 0.004;

export type FileFormat = 'ndjson' | 'ndjson.gz' | 'parquet';

export async function createCommandTables(connection: DuckDBConnection): Promise<void> {
  await connection.run(`
    CREATE OR REPLACE TABLE extra_events (
      file_id INTEGER NOT NULL, epoch_day INTEGER NOT NULL, ms_of_day BIGINT NOT NULL, rank INTEGER NOT NULL,
      command VARCHAR NOT NULL, exit_code INTEGER NOT NULL, offset_minutes INTEGER, offset_text VARCHAR, seq INTEGER NOT NULL)`);
}

export interface ExtraEvent {
  epochDay: number;
  msOfDay: number;
  rank: number;
  command: string;
  exitCode: number;
  /** Shows the timestamp with this offset instead of the machine's (0 writes `Z`). */
  offsetMinutes?: number;
}

/** Replaces the extra events; each goes into the given file. */
export async function setExtraEvents(
  connection: DuckDBConnection,
  events: ReadonlyArray<ExtraEvent & { fileId: number }>,
): Promise<void> {
  await connection.run('DELETE FROM extra_events');
  if (events.length === 0) return;
  const rows = events.map((event, seq) => {
    const offset = event.offsetMinutes;
    const text = offset === undefined ? 'NULL' : quotedString(formatOffset(offset));
    return `(${event.fileId}, ${event.epochDay}, ${event.msOfDay}, ${event.rank}, ${quotedString(event.command)}, ${event.exitCode}, ${offset ?? 'NULL'}, ${text}, ${seq})`;
  });
  await connection.run(`INSERT INTO extra_events VALUES ${rows.join(', ')}`);
}

export function formatOffset(minutes: number): string {
  if (minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** `CASE WHEN u < 0.3 THEN 0 WHEN ... END`: the index of a weighted choice, without a join. */
function weightedIndex(u: string, weights: readonly number[]): string {
  const total = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  const branches = weights.slice(0, -1).map((weight, index) => {
    cumulative += weight;
    return `WHEN ${u} < ${cumulative / total} THEN ${index}`;
  });
  return `CASE ${branches.join(' ')} ELSE ${weights.length - 1} END`;
}

function list(values: ReadonlyArray<string | number>): string {
  return `[${values.map((value) => (typeof value === 'string' ? quotedString(value) : String(value))).join(', ')}]`;
}

export interface CommandRows {
  seed: number;
  /** Regular machines: the Zipf draw picks ranks 0 .. machines-1. */
  machines: number;
  /**
   * A query yielding `file_id, epoch_day, i`: the events to generate (i is the number within the day). With
   * `extras`, a negative i stands for the extra event with seq -1 - i.
   */
  source: string;
  extras: boolean;
}

/**
 * One row per event with the contract's values in neutral form: `file_id, epoch_day, utc_ms, seq,
 * shown_minutes, shown_text` (the client's clock offset) and the fields; `fileSelect` turns them into a
 * file. Rows come out in the order of the source (joins on unique keys keep it): files need no sort.
 */
export function commandRowsSql(rows: CommandRows): string {
  const { seed, machines } = rows;
  const u = (name: string) => uniform(seed, `'${name}'`, 's.epoch_day', 's.i');
  const a = 1 - MACHINE_ZIPF;
  const zipfScale = (machines + 1) ** a - 1;
  const commands = COMMANDS.map((spec) => spec.command);
  const failRates = COMMANDS.map((spec) => spec.failRate);
  const extra = (column: string, otherwise: string) =>
    rows.extras ? `coalesce(ev.x_${column}, ${otherwise})` : otherwise;
  const zipfRank = `least(${machines - 1}, floor(pow(1 + ${u('machine')} * ${zipfScale}, ${1 / a}))::BIGINT - 1)::INTEGER`;
  return `
    SELECT file_id, epoch_day, utc_ms, seq, shown_minutes, shown_text, machine_id, command, exit_code, os_family,
      os_version, runtime_id,
      CASE WHEN upgrade_day IS NOT NULL AND epoch_day >= upgrade_day THEN sdk_after ELSE sdk_version END AS sdk_version,
      CASE WHEN noip_u < ${NO_IP_SHARE} THEN NULL ELSE ip_prefix END AS ip_prefix,
      environment, is_container,
      -- The working folder's hash: one of the machine's few project folders. Four hashes make the 64 hex
      -- digits about twice as fast as sha256(), and this column is a large share of the generating time.
      ${hex64(seed, "'cwd'", 'rank', 'project_h % projects')} AS cwd_hash
    FROM (
      SELECT ev.file_id, ev.epoch_day, ev.i AS seq, m.*,
        ${extra('command', `${list(commands)}[1 + ev.command_index]`)} AS command,
        -- Clients stamp local time; convert to the UTC instant, which stays inside the folder's UTC day.
        ${extra('ms_of_day', '(((ev.local_ms - m.offset_minutes * 60000) % 86400000) + 86400000) % 86400000')} AS utc_ms,
        ${extra('offset_minutes', 'm.offset_minutes')} AS shown_minutes,
        ${extra('offset_text', 'm.offset_text')} AS shown_text,
        ${extra(
          'exit_code',
          `CASE
          WHEN ev.fail_u >= ${list(failRates)}[1 + ev.command_index] THEN 0
          WHEN ev.command_index IN (${commands.indexOf('run')}, ${commands.indexOf('watch')}) THEN CASE
            WHEN ev.exit_u < 0.3 THEN 130
            WHEN ev.exit_u < 0.4 AND m.os_family = 'Windows' THEN -532462766
            WHEN ev.exit_u < 0.45 AND m.os_family <> 'Windows' THEN 134
            ELSE 1 END
          WHEN ev.exit_u < 0.03 THEN 130
          ELSE 1 END`,
        )} AS exit_code,
        ev.noip_u, ev.project_h
      FROM (
        SELECT s.file_id, s.epoch_day, s.i,
          ${rows.extras ? `coalesce(x.rank, ${zipfRank})` : zipfRank} AS rank,
          ${weightedIndex(
            u('command'),
            COMMANDS.map((spec) => spec.weight),
          )} AS command_index,
          ${u('fail')} AS fail_u, ${u('exit')} AS exit_u, ${rows.extras ? `CASE WHEN s.i < 0 THEN 1.0 ELSE ${u('no_ip')} END` : u('no_ip')} AS noip_u,
          hash(${seed}, 'project', s.epoch_day, s.i) AS project_h,
          -- Local clock: 70 % office hours (around 14:00), 30 % any time (CI, night owls).
          CASE WHEN ${u('clock')} < 0.7
            THEN ((50400000 + (10800000 * sqrt(-2 * ln(1 - ${u('t1')})) * cos(2 * pi() * ${u('t2')})))::BIGINT % 86400000 + 86400000) % 86400000
            ELSE floor(${u('t1')} * 86400000)::BIGINT END AS local_ms
          ${rows.extras ? ', x.command AS x_command, x.ms_of_day AS x_ms_of_day, x.offset_minutes AS x_offset_minutes, x.offset_text AS x_offset_text, x.exit_code AS x_exit_code' : ''}
        FROM (${rows.source}) s
        ${rows.extras ? 'LEFT JOIN extra_events x ON x.seq = -1 - s.i' : ''}
      ) ev
      JOIN machines m ON m.rank = ev.rank
    )`;
}

/** The contract's fields in the order producers write them: [name, SQL expression]. */
export type Columns = ReadonlyArray<readonly [name: string, sql: string]>;

/** Parquet keeps the UTC instant (TIMESTAMPTZ); NDJSON shows the client's clock with its offset. */
export function timestampSql(format: FileFormat): string {
  return format === 'parquet'
    ? 'make_timestamptz((epoch_day::BIGINT * 86400000 + utc_ms) * 1000)'
    : isoWithOffset('epoch_day', 'utc_ms', 'shown_minutes', 'shown_text');
}

export function commandColumns(format: FileFormat, eventField: boolean): Columns {
  return [
    ['timestamp', timestampSql(format)],
    ['machine_id', 'machine_id'],
    ...(eventField ? [['event', `'command'`] as const] : []),
    ...[
      'command',
      'exit_code',
      'os_family',
      'os_version',
      'runtime_id',
      'sdk_version',
      'ip_prefix',
      'environment',
      'is_container',
      'cwd_hash',
    ].map((name) => [name, name] as const),
  ];
}

/** One JSON object per event, as NDJSON text. */
export function jsonLine(columns: Columns): string {
  return `to_json(struct_pack(${columns.map(([name, sql]) => `"${name}" := ${sql}`).join(', ')}))::VARCHAR`;
}

/**
 * The SELECT that a file is written from: Parquet columns, or one JSON text column `line` per event for
 * NDJSON (written by the CSV writer without quoting: several times faster than DuckDB's JSON writer).
 */
export function fileSelect(columns: Columns, format: FileFormat, from: string): string {
  const select =
    format === 'parquet'
      ? columns.map(([name, sql]) => `${sql} AS "${name}"`).join(', ')
      : `${jsonLine(columns)} AS line`;
  return `SELECT ${select} FROM ${from}`;
}
