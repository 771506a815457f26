// The published TSV format: UTF-8 without BOM, LF line ends, one header row, tab-separated, never quoted.
// DuckDB's COPY does the bulk work; no row passes through JavaScript. The statements are in tsv.sql.
import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';
import type { ProtectedDataset } from '../protect/protect.js';

const sql = sqlTemplates(import.meta.url, 'tsv.sql');

/** Writes `select` (columns already in published order and text) sorted by `orderBy` with DuckDB's COPY. */
export async function writeTsv(duck: Duck, select: string, orderBy: readonly string[], path: string): Promise<void> {
  const order = orderBy.map((column) => `${id(column)} ASC`).join(', ');
  await duck.run(sql('copy_tsv', { select, order }), { path });
}

/** A protected dataset's published rows (columns in the dataset's order) and the order they are written in. */
export function publishedRows(result: ProtectedDataset): { select: string; orderBy: string[] } {
  const { dataset, tables } = result;
  const columns = dataset.columns
    .map((column) => (column.name === dataset.measure.column ? `_value AS ${id(column.name)}` : id(column.name)))
    .join(', ');
  return {
    select: sql('published_rows', { columns, rows: id(tables.rows) }),
    orderBy: [dataset.timeColumn, ...dataset.dimensions.map((dimension) => dimension.column)],
  };
}

/**
 * Writes the published rows of a protected dataset as TSV, columns in the dataset's order, sorted by the
 * time column then every dimension so that a rerun over the same archive is byte-identical.
 */
export async function writeDatasetTsv(duck: Duck, result: ProtectedDataset, path: string): Promise<number> {
  const { select, orderBy } = publishedRows(result);
  await writeTsv(duck, select, orderBy, path);
  const [row] = await duck.all<{ n: string }>(sql('count_published', { rows: id(result.tables.rows) }));
  return Number(row?.n ?? 0);
}
