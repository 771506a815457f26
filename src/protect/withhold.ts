// Withholding the rows a differencing protection picked (linked.ts for machines, family-tables.ts for
// a family of event tables): each table's secondary rows are marked unpublished in its rows table.
import { appendRows, type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';
import type { ProtectedDataset } from './protect.js';

const sql = sqlTemplates(import.meta.url, 'linked.sql');

/** A row's key as text, `json_array("Quarter", "Product", ...)::VARCHAR`: the part of its id after the dataset. */
export function rowKeySql(result: ProtectedDataset): string {
  const keys = [result.dataset.timeColumn, ...result.dataset.dimensions.map((dimension) => dimension.column)];
  return `json_array(${keys.map(id).join(', ')})::VARCHAR`;
}

/** Marks the rows `secondary` names (`<dataset>:<key>`) as withheld against differencing, table by table. */
export async function withholdSecondary(
  duck: Duck,
  group: readonly ProtectedDataset[],
  secondary: readonly string[],
): Promise<void> {
  for (const dataset of group) {
    const prefix = `${dataset.dataset.name}:`;
    const keys = secondary.filter((rowId) => rowId.startsWith(prefix)).map((rowId) => rowId.slice(prefix.length));
    if (keys.length === 0) continue;
    await duck.run(sql('secondary_keys'));
    await appendRows(
      duck,
      'linked_secondary',
      keys.map((key) => [key]),
      'main',
      'temp',
    );
    await duck.run(sql('suppress_secondary', { rows: id(dataset.tables.rows), row_key: rowKeySql(dataset) }));
  }
}
