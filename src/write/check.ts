// The last gate before anything is written to the target. It reads back the TSV file that is about to
// be published (not the engine's result table) and checks it with its own queries against the record
// of which machine's events went into which row:
// - the header is exactly the dataset's column whitelist;
// - every row exists in that record, rests on at least k distinct machines and carries the value the
//   record gives (so a bug in the writer or the aggregation cannot publish a small row);
// - no two rows share a key;
// - every fact ended in exactly one row (nothing counted twice, nothing lost);
// - no cell equals a machine id or an IP prefix of the run's events.
// The statements are in check.sql.
import { readFile } from 'node:fs/promises';
import { type Duck, quotedIdentifier as id, quotedString } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';
import type { ProtectedDataset } from '../protect/protect.js';

const sql = sqlTemplates(import.meta.url, 'check.sql');

/** The fields of `events` a client sends and some dataset publishes: a cell equal to one has a legitimate source. */
export const PUBLISHED_EVENT_FIELDS = [
  'command',
  'os_family',
  'os_version',
  'runtime_id',
  'sdk_version',
  'product',
  'product_version',
];

/** `cell NOT IN (SELECT command FROM events WHERE command IN (SELECT cell FROM identifiers)) AND ...`, per field. */
function notSentInAPublishedField(): string {
  return PUBLISHED_EVENT_FIELDS.map(
    (field) => `cell NOT IN (SELECT ${id(field)} FROM events WHERE ${id(field)} IN (SELECT cell FROM identifiers))`,
  ).join('\n  AND ');
}

export interface CheckViolation {
  rule: 'header' | 'unknown_row' | 'under_k' | 'value_mismatch' | 'duplicate_key' | 'partition' | 'identifier_leak';
  detail: string;
}

export async function checkPublishedFile(
  duck: Duck,
  result: ProtectedDataset,
  tsvPath: string,
): Promise<CheckViolation[]> {
  const { dataset, parameters, tables } = result;
  const violations: CheckViolation[] = [];
  const expectedHeader = dataset.columns.map((column) => column.name).join('\t');
  const header = (await readFile(tsvPath, 'utf8')).split('\n', 1)[0];
  if (header !== expectedHeader)
    violations.push({ rule: 'header', detail: `expected "${expectedHeader}", found "${header}"` });

  const columns = `{${dataset.columns.map((column) => `${quotedString(column.name)}: 'VARCHAR'`).join(', ')}}`;
  await duck.run(sql('load_file', { columns }), { path: tsvPath });
  const keys = [dataset.timeColumn, ...dataset.dimensions.map((dimension) => dimension.column)].map(id);
  const events = dataset.measure.count === 'events';
  const limit = 20;
  const describe = (row: Record<string, unknown>): string => JSON.stringify(row);

  const rowsAgainstRecord = sql('rows_against_record', {
    keys: keys.join(', '),
    keys_of_k: keys.map((key) => `k.${key}`).join(', '),
    measure: events ? 'sum(least(_events, $cap::BIGINT))' : 'count(*)',
    packed: id(tables.packed),
    rows: id(tables.rows),
    measure_column: id(dataset.measure.column),
  });
  for (const row of await duck.all(rowsAgainstRecord, {
    k: parameters.k,
    limit,
    ...(events ? { cap: parameters.cap } : {}),
  })) {
    const rule =
      row._machines == null ? 'unknown_row' : Number(row._machines) < parameters.k ? 'under_k' : 'value_mismatch';
    violations.push({ rule, detail: describe(row) });
  }
  for (const row of await duck.all(sql('duplicate_keys', { keys: keys.join(', ') }), { limit })) {
    violations.push({ rule: 'duplicate_key', detail: describe(row) });
  }
  const [totals] = await duck.all<{ facts: string | null; assigned: string | null }>(
    sql('partition_totals', { facts: id(result.facts), packed: id(tables.packed) }),
  );
  if ((totals?.facts ?? '0') !== (totals?.assigned ?? '0')) {
    violations.push({
      rule: 'partition',
      detail: `facts hold ${totals?.facts} events but rows account for ${totals?.assigned}`,
    });
  }
  const textColumns = dataset.columns.filter((column) => column.type === 'string').map((column) => id(column.name));
  if (textColumns.length) {
    const leaks = sql('identifier_leaks', {
      text_columns: textColumns.join(', '),
      not_sent_in_a_published_field: notSentInAPublishedField(),
    });
    for (const row of await duck.all(leaks, { limit })) {
      violations.push({
        rule: 'identifier_leak',
        detail: `a published cell equals an identifier from the archive: ${describe(row)}`,
      });
    }
  }
  await duck.run(sql('drop_file'));
  return violations;
}
