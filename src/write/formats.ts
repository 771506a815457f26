// The copies published beside every TSV, under the same key template: `.parquet` (typed columns, one
// fixed schema per dataset, zstd) and `.tsv.gz` (the TSV's own bytes, gzip). The TSV stays the
// canonical file; each copy is read back and must hold exactly the TSV's rows before anything is
// published. The statements are in formats.sql.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { fileDigest } from '../core/hash.js';
import type { ColumnSpec, ColumnType, CopyFormat } from '../core/release.js';
import { type Duck, quotedIdentifier as id, quotedString } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';

const sql = sqlTemplates(import.meta.url, 'formats.sql');

export const COPY_FORMATS: readonly CopyFormat[] = ['parquet', 'tsv.gz'];

/** Media types of the copies, as in the catalog and the objects' Content-Type. */
export const COPY_MEDIA_TYPES: Readonly<Record<CopyFormat, string>> = {
  parquet: 'application/vnd.apache.parquet',
  'tsv.gz': 'application/gzip',
};

/** DuckDB types of the published column types: never inferred, so every quarter has the same schema. */
export const DUCKDB_TYPES: Readonly<Record<ColumnType, string>> = {
  date: 'DATE',
  integer: 'BIGINT',
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  number: 'DOUBLE',
};

/** `cli-usage-2026-q3.tsv` -> `cli-usage-2026-q3.parquet` / `cli-usage-2026-q3.tsv.gz`. */
export function copyKey(tsvKey: string, format: CopyFormat): string {
  return tsvKey.replace(/\.tsv$/, `.${format}`);
}

/** Writes `select` as Parquet, every column cast to its declared type, sorted like the TSV. */
export async function writeParquet(
  duck: Duck,
  select: string,
  columns: readonly ColumnSpec[],
  orderBy: readonly string[],
  path: string,
): Promise<void> {
  const typed = columns.map(
    (column) => `CAST(${id(column.name)} AS ${DUCKDB_TYPES[column.type]}) AS ${id(column.name)}`,
  );
  const order = orderBy.map((column) => `${id(column)} ASC`).join(', ');
  await duck.run(sql('copy_parquet', { typed: typed.join(', '), select, order }), { path });
}

/**
 * The TSV's bytes gzipped with node:zlib, whose header carries no file name and a zero mtime, so a rerun
 * writes the same bytes, and the copy decompresses to the canonical file byte for byte.
 */
export async function writeGzip(tsvPath: string, path: string): Promise<void> {
  await pipeline(createReadStream(tsvPath), createGzip({ level: 6 }), createWriteStream(path));
}

/**
 * Problems found reading a copy back against the TSV: a different schema, row count, or any row of one
 * missing from the other. Empty when the copy holds exactly the TSV's rows.
 */
export async function copyProblems(
  duck: Duck,
  columns: readonly ColumnSpec[],
  tsvPath: string,
  copy: { format: CopyFormat; path: string },
): Promise<string[]> {
  if (copy.format === 'tsv.gz') return gzipProblems(tsvPath, copy.path);
  const declared = `{${columns.map((column) => `${quotedString(column.name)}: '${DUCKDB_TYPES[column.type]}'`).join(', ')}}`;
  const problems: string[] = [];
  try {
    await duck.run(sql('load_tsv_typed', { columns: declared }), { path: tsvPath });
    await duck.run(sql('load_parquet'), { path: copy.path });
    const schema = await duck.all<{ column_name: string; column_type: string }>(sql('parquet_schema'));
    const found = schema.map((column) => `${column.column_name} ${column.column_type}`).join(', ');
    const expected = columns.map((column) => `${column.name} ${DUCKDB_TYPES[column.type]}`).join(', ');
    if (found !== expected) {
      problems.push(`${copy.format}: schema is (${found}), expected (${expected})`);
      return problems;
    }
    const [counts] = await duck.all<{ tsv_rows: string; copy_rows: string; only_tsv: string; only_copy: string }>(
      sql('compare_copy'),
    );
    if (counts?.tsv_rows !== counts?.copy_rows)
      problems.push(`${copy.format}: ${counts?.copy_rows} rows, the TSV has ${counts?.tsv_rows}`);
    if (counts?.only_tsv !== '0') problems.push(`${copy.format}: ${counts?.only_tsv} TSV row(s) missing from the copy`);
    if (counts?.only_copy !== '0') problems.push(`${copy.format}: ${counts?.only_copy} row(s) not in the TSV`);
  } catch (error) {
    problems.push(`${copy.format}: cannot be read back: ${(error as Error).message}`);
  } finally {
    await duck.run(sql('drop_check'));
  }
  return problems;
}

/**
 * The gzip copy must decompress to the TSV byte for byte: a stronger check than comparing rows, and a
 * stream through zlib instead of two typed reads in DuckDB.
 */
async function gzipProblems(tsvPath: string, path: string): Promise<string[]> {
  try {
    const [tsv, unzipped] = await Promise.all([fileDigest(tsvPath), gunzippedDigest(path)]);
    if (tsv.bytes === unzipped.bytes && tsv.sha256 === unzipped.sha256) return [];
    return [`tsv.gz: decompresses to ${unzipped.bytes} bytes that differ from the TSV's ${tsv.bytes} bytes`];
  } catch (error) {
    return [`tsv.gz: cannot be read back: ${(error as Error).message}`];
  }
}

/** Size and sha256 of what a gzip file decompresses to (a corrupt stream throws, named by the caller). */
async function gunzippedDigest(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(createReadStream(path), createGunzip(), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      bytes += chunk.length;
      hash.update(chunk);
    }
  });
  return { bytes, sha256: hash.digest('hex') };
}
