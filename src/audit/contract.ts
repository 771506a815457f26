// The audit's own implementation of the event contract (README "The event archive"), in plain
// TypeScript over parsed values: it shares nothing with the job's SQL validation (src/ingest), so a
// bug there makes the audit and the published figures disagree instead of agreeing on the same mistake.
//
// A record is what one NDJSON line parses to, or one Parquet row after read-parquet.ts has mapped its
// column types onto the contract's (a value of the wrong column type arrives as WRONG_TYPE, a zoned
// Parquet timestamp as a ZonedInstant, a zoneless one or a DATE as ZONELESS).

/** Why an event is not used, in the order the rules are applied (the names the job's summary uses). */
export type AuditRejectReason =
  | 'not_json'
  | 'wrong_type'
  | 'missing_timestamp'
  | 'invalid_timestamp'
  | 'timestamp_outside_day'
  | 'missing_machine_id'
  | 'unknown_event';

/** A Parquet value whose column type is not the contract's for that field. */
export const WRONG_TYPE: unique symbol = Symbol('wrong type');
/** A Parquet timestamp without a zone (isAdjustedToUTC=false, INT96) or a DATE: no instant. */
export const ZONELESS: unique symbol = Symbol('zoneless timestamp');

/** A Parquet TIMESTAMP adjusted to UTC: an instant, in microseconds since the epoch. */
export class ZonedInstant {
  constructor(readonly micros: bigint) {}
}

/** The contract's text fields besides timestamp and machine_id, in the `events` table's order. */
export const TEXT_FIELDS = [
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
type TextField = (typeof TEXT_FIELDS)[number];

/** An event that passed every rule: the fields the dataset queries may read. */
export interface AcceptedEvent extends Record<Exclude<TextField, 'event'>, string | null> {
  /** The UTC day of its folder. */
  day: string;
  micros: bigint;
  /** The raw id (hashed by DuckDB on loading, as the job hashes it). */
  machineId: string;
  event: 'command' | 'snapshot';
  exitCode: bigint | null;
  isContainer: boolean | null;
  /** The metrics object as JSON text. */
  metrics: string | null;
}

const MICROS_PER_DAY = 86_400_000_000n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** One record against the contract: the accepted event, or the first rule it breaks. */
export function checkEvent(record: unknown, folderDay: string): AcceptedEvent | AuditRejectReason {
  if (!isPlainObject(record)) return 'not_json';
  // No contract field is a key of Object.prototype, so a plain lookup reads only the record's own fields.
  const r = record as Record<string, unknown>;
  const timestamp = r.timestamp ?? null;
  const machineId = r.machine_id ?? null;
  const exitCode = r.exit_code ?? null;
  const isContainer = r.is_container ?? null;
  const metrics = r.metrics ?? null;
  if (
    !(
      timestamp === null ||
      typeof timestamp === 'string' ||
      timestamp instanceof ZonedInstant ||
      timestamp === ZONELESS
    )
  )
    return 'wrong_type';
  if (!(machineId === null || typeof machineId === 'string')) return 'wrong_type';
  for (const field of TEXT_FIELDS) {
    const value = r[field];
    if (!(value === null || value === undefined || typeof value === 'string')) return 'wrong_type';
  }
  if (!(exitCode === null || typeof exitCode === 'bigint' || Number.isInteger(exitCode))) return 'wrong_type';
  if (!(isContainer === null || typeof isContainer === 'boolean')) return 'wrong_type';
  if (!(metrics === null || isPlainObject(metrics))) return 'wrong_type';

  if (timestamp === null) return 'missing_timestamp';
  const micros =
    timestamp instanceof ZonedInstant
      ? timestamp.micros
      : typeof timestamp === 'string'
        ? parseInstant(timestamp)
        : null;
  if (micros === null) return 'invalid_timestamp';
  const start = dayStartMicros(folderDay);
  if (micros < start || micros >= start + MICROS_PER_DAY) return 'timestamp_outside_day';

  if (machineId === null || machineId.trim() === '') return 'missing_machine_id';
  const kind = (r.event as string | null | undefined) ?? 'command';
  if (kind !== 'command' && kind !== 'snapshot') return 'unknown_event';

  const text = (field: TextField) => (r[field] as string | null | undefined) ?? null;
  const code = exitCode === null ? null : BigInt(exitCode as number | bigint);
  return {
    day: folderDay,
    micros,
    machineId,
    event: kind,
    command: text('command'),
    os_family: text('os_family'),
    os_version: text('os_version'),
    runtime_id: text('runtime_id'),
    sdk_version: text('sdk_version'),
    ip_prefix: text('ip_prefix'),
    environment: text('environment'),
    product: text('product'),
    product_version: text('product_version'),
    exitCode: code !== null && code >= INT64_MIN && code <= INT64_MAX ? code : null,
    isContainer: isContainer as boolean | null,
    metrics: metrics === null ? null : jsonText(metrics),
  };
}

// ISO 8601 date and time with an explicit zone: `2026-07-01T12:00:00Z`, `...T12:00:00.123+02:00`,
// `...T12:00+0200`. A date alone, or a time without a zone, names no instant.
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Microseconds since the epoch of an ISO 8601 timestamp with a zone; null when it is not one. */
export function parseInstant(text: string): bigint | null {
  const match = INSTANT.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as number[];
  const fraction = match[7] ?? '';
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth(year!, month!)) return null;
  if (hour! > 23 || minute! > 59 || second! > 59) return null;
  let offsetMinutes = 0;
  if (!match[8]) {
    const [offsetHours, offsetRest] = [Number(match[10]), Number(match[11] ?? 0)];
    if (offsetHours > 23 || offsetRest > 59) return null;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  const millis = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) - offsetMinutes * 60_000;
  // Date.UTC maps years 0-99 to 1900-1999; no such year is on a folder of the archive anyway.
  return BigInt(millis) * 1000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const dayStarts = new Map<string, bigint>();

function dayStartMicros(day: string): bigint {
  let start = dayStarts.get(day);
  if (start === undefined) {
    start = BigInt(Date.parse(`${day}T00:00:00Z`)) * 1000n;
    dayStarts.set(day, start);
  }
  return start;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * JSON text of a metrics object. Keys whose value is null are left out (as the job does with Parquet
 * structs, where every key of every producer is present); 64-bit integers keep all their digits.
 */
export function jsonText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, entry]) => entry !== null && entry !== undefined);
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${jsonText(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
