// Small SQL building blocks for generating events inside DuckDB. Randomness is `hash()` of the seed and
// the row's coordinates: the same inputs give the same rows whatever the thread count or run.

import { type DuckDBConnection, quotedString } from '@duckdb/node-api';

export type SqlValue = string | number | boolean | null | readonly number[] | readonly string[];

export function sqlValue(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return quotedString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as SQL`);
    return String(value);
  }
  const items = value as ReadonlyArray<string | number>;
  const type = typeof items[0] === 'string' ? 'VARCHAR' : 'INTEGER';
  return `[${items.map((item) => sqlValue(item)).join(', ')}]::${type}[]`;
}

/** A uniform DOUBLE in [0, 1) from the hash of the given SQL expressions. */
export function uniform(...parts: Array<string | number>): string {
  return `((hash(${parts.join(', ')}) >> 11)::DOUBLE / 9007199254740992.0)`;
}

/** Resolution of weighted choices: a weight share below 1/SLOTS is lost. */
export const SLOTS = 100_000;

/** A slot in [0, SLOTS) from the hash of the given SQL expressions, to join a choice table on. */
export function slot(...parts: Array<string | number>): string {
  return `(hash(${parts.join(', ')}) % ${SLOTS})::INTEGER`;
}

/**
 * `SELECT slot, <columns>` where each item covers a share of the SLOTS slots proportional to its weight:
 * joining on `slot = <uniform slot>` is a weighted random choice.
 */
export function choiceSql(items: ReadonlyArray<{ weight: number; values: Record<string, SqlValue> }>): string {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  const columns = Object.keys(items[0]?.values ?? {});
  let cumulative = 0;
  const rows: string[] = [];
  for (const item of items) {
    const lo = Math.round((cumulative / total) * SLOTS);
    cumulative += item.weight;
    const hi = Math.round((cumulative / total) * SLOTS);
    if (hi > lo)
      rows.push(`(${lo}, ${hi}, ${columns.map((column) => sqlValue(item.values[column] ?? null)).join(', ')})`);
  }
  return `
    SELECT unnest(range(lo, hi))::INTEGER AS slot, * EXCLUDE (lo, hi)
    FROM (VALUES ${rows.join(',\n')}) v(lo, hi, ${columns.join(', ')})`;
}

export async function createChoiceTable(
  connection: DuckDBConnection,
  table: string,
  items: ReadonlyArray<{ weight: number; values: Record<string, SqlValue> }>,
): Promise<void> {
  await connection.run(`CREATE OR REPLACE TABLE ${table} AS ${choiceSql(items)}`);
}

/** `+05:30`, `-08:00`, or `Z` when `utc`: how a client formats its clock's offset. */
export function offsetText(minutes: string, utc: string): string {
  return `CASE WHEN ${utc} THEN 'Z' ELSE
    (CASE WHEN ${minutes} < 0 THEN '-' ELSE '+' END) || lpad((abs(${minutes}) // 60)::VARCHAR, 2, '0') || ':' ||
    lpad((abs(${minutes}) % 60)::VARCHAR, 2, '0') END`;
}

/**
 * ISO 8601 text of the UTC instant `epochDay + msOfDay`, shown in the client's local time with its offset:
 * `2026-09-30T23:59:59.999Z` or `2026-10-01T01:59:59.999+02:00` for the same instant.
 */
export function isoWithOffset(
  epochDay: string,
  msOfDay: string,
  offsetMinutes: string,
  offsetTextExpr: string,
): string {
  const localMs = `(${epochDay}::BIGINT * 86400000 + ${msOfDay} + ${offsetMinutes} * 60000)`;
  return `strftime(make_timestamp(${localMs} * 1000), '%Y-%m-%dT%H:%M:%S.%g') || ${offsetTextExpr}`;
}

/** A 64-hex sha256 digest of the seed and the given parts: machine ids. */
export function hexId(seed: number, kind: string, ...parts: string[]): string {
  return `sha256(${[quotedString(`${seed}:${kind}`), ...parts].join(` || ':' || `)})`;
}

/** 64 hex digits (like a sha256 digest) from four hashes of the given SQL expressions: cheap per row. */
export function hex64(...parts: Array<string | number>): string {
  return `lower(concat(${[1, 2, 3, 4].map((k) => `lpad(to_hex(hash(${parts.join(', ')}, ${k})), 16, '0')`).join(', ')}))`;
}
