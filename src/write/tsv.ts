import { type Duck, quotedIdentifier as id, quotedIdentifier, quotedString } from '../engine/duck.js';
import type { ProtectedDataset } from '../protect/protect.js';

// The published TSV format: UTF-8 without BOM, LF line ends, one header row, tab-separated, never quoted.

/** Writes `select` (columns already in published order and text) sorted by `orderBy` with DuckDB's COPY. */
export async function writeTsv(duck: Duck, select: string, orderBy: readonly string[], path: string): Promise<void> {
  const order = orderBy.map((column) => `${quotedIdentifier(column)} ASC`).join(', ');
  await duck.run(
    `COPY (SELECT * FROM (${select}) ORDER BY ${order}) TO ${quotedString(path)}
     (FORMAT csv, DELIMITER E'\\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '')`,
  );
}

/**
 * Writes the published rows of a protected dataset as TSV, columns in the dataset's order, sorted by the
 * time column then every dimension so that a rerun over the same archive is byte-identical. DuckDB's COPY
 * does the bulk work; no row passes through JavaScript.
 */
export async function writeDatasetTsv(duck: Duck, result: ProtectedDataset, path: string): Promise<number> {
  const { dataset, tables } = result;
  const select = dataset.columns
    .map((column) => (column.name === dataset.measure.column ? `_value AS ${id(column.name)}` : id(column.name)))
    .join(', ');
  await writeTsv(
    duck,
    `SELECT ${select} FROM ${tables.rows} WHERE _published`,
    [dataset.timeColumn, ...dataset.dimensions.map((dimension) => dimension.column)],
    path,
  );
  const [row] = await duck.all<{ n: string }>(`SELECT count(*)::BIGINT AS n FROM ${tables.rows} WHERE _published`);
  return Number(row?.n ?? 0);
}
