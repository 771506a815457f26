import { readFile } from 'node:fs/promises';
import { type Duck, quotedIdentifier as id, quotedString } from '../engine/duck.js';
import type { ProtectedDataset } from '../protect/protect.js';

/**
 * The last gate before anything is written to the target. It reads back the TSV file that is about to
 * be published (not the engine's result table) and checks it with its own queries against the record
 * of which machine's events went into which row:
 * - the header is exactly the dataset's column whitelist;
 * - every row exists in that record, rests on at least k distinct machines and carries the value the
 *   record gives (so a bug in the writer or the aggregation cannot publish a small row);
 * - no two rows share a key;
 * - every fact ended in exactly one row (nothing counted twice, nothing lost);
 * - no cell equals a machine id or an IP prefix of the run's events.
 */
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

  const columnTypes = dataset.columns.map((column) => `${quotedString(column.name)}: 'VARCHAR'`).join(', ');
  await duck.run(`
    CREATE OR REPLACE TEMP TABLE check_file AS
      SELECT * FROM read_csv(${quotedString(tsvPath)}, delim = E'\\t', header = true, quote = '', escape = '',
                             auto_detect = false, columns = {${columnTypes}});`);
  const keys = [dataset.timeColumn, ...dataset.dimensions.map((dimension) => dimension.column)].map(id);
  const measure = id(dataset.measure.column);
  const recomputed = dataset.measure.count === 'events' ? `sum(least(_events, ${parameters.cap}))` : 'count(*)';
  const limit = 20;
  const describe = (row: Record<string, unknown>): string => JSON.stringify(row);

  for (const row of await duck.all(`
      SELECT f.*, r._machines, r._value AS _recomputed FROM check_file f
      LEFT JOIN (
        -- Counted on the packed key first (integers), then spelled out: a key spelled twice would give
        -- a file row two recounts, and any of them wrong or under k is reported.
        SELECT ${keys.map((key) => `k.${key}`).join(', ')}, a._machines, a._value
        FROM (SELECT _key, count(DISTINCT machine_id) AS _machines, ${recomputed} AS _value FROM ${tables.packed} GROUP BY _key) a
        JOIN ${tables.rows} k USING (_key)) r USING (${keys.join(', ')})
      WHERE r._machines IS NULL OR r._machines < ${parameters.k} OR r._value::VARCHAR <> f.${measure}
      LIMIT ${limit}`)) {
    const rule =
      row._machines == null ? 'unknown_row' : Number(row._machines) < parameters.k ? 'under_k' : 'value_mismatch';
    violations.push({ rule, detail: describe(row) });
  }
  for (const row of await duck.all(
    `SELECT ${keys.join(', ')}, count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT ${limit}`,
  )) {
    violations.push({ rule: 'duplicate_key', detail: describe(row) });
  }
  const [totals] = await duck.all<{ facts: string | null; assigned: string | null }>(
    `SELECT (SELECT sum(_events) FROM ${result.facts})::BIGINT AS facts, (SELECT sum(_events) FROM ${tables.packed})::BIGINT AS assigned`,
  );
  if ((totals?.facts ?? '0') !== (totals?.assigned ?? '0')) {
    violations.push({
      rule: 'partition',
      detail: `facts hold ${totals?.facts} events but rows account for ${totals?.assigned}`,
    });
  }
  const textColumns = dataset.columns.filter((column) => column.type === 'string').map((column) => id(column.name));
  if (textColumns.length) {
    // The published cells are few: look each one up among the identifiers, not the other way round.
    const legitimateFields = [
      'command',
      'os_family',
      'os_version',
      'runtime_id',
      'sdk_version',
      'product',
      'product_version',
    ];
    for (const row of await duck.all(`
        WITH cells AS (SELECT DISTINCT unnest([${textColumns.join(', ')}]) AS cell FROM check_file),
        identifiers AS (
          -- Machines are held by the hash of their id: a cell whose hash is a machine's is that id.
          SELECT DISTINCT cell FROM cells WHERE hash(cell) IN (SELECT machine_id FROM events)
          UNION SELECT DISTINCT ip_prefix FROM events WHERE ip_prefix IN (SELECT cell FROM cells)
        )
        -- A value some client also sent in a published field (an SDK version 8.0.100 that is also
        -- someone's /24) has a legitimate source: equal by coincidence, not a leak.
        SELECT cell FROM identifiers
        WHERE ${legitimateFields.map((field) => `cell NOT IN (SELECT ${field} FROM events WHERE ${field} IN (SELECT cell FROM identifiers))`).join('\n          AND ')}
        LIMIT ${limit}`)) {
      violations.push({
        rule: 'identifier_leak',
        detail: `a published cell equals an identifier from the archive: ${describe(row)}`,
      });
    }
  }
  await duck.run('DROP TABLE check_file');
  return violations;
}
