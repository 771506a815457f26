// The query stage: runs a dataset's `query.sql` over the job's tables and keeps its result as facts,
// one row per machine and cell with the machine's event count, every dimension value normalised as it
// will be published. It checks the query's contract: the columns the dataset declares, a time on
// every row.

import { batchRanges } from '../core/batches.js';
import { PublisherError } from '../core/errors.js';
import { formatQuarter, quarterDays } from '../core/quarter.js';
import type { Quarter } from '../core/release.js';
import { type Duck, quotedIdentifier as id, quotedString } from '../engine/duck.js';
import { datasetTables } from '../engine/tables.js';
import { dimensionValueSql } from '../ingest/values.js';
import { bucketMacroSql } from './buckets.js';
import { checkOneSelect, checkPrivacyUnit } from './contract.js';
import type { DatasetDefinition } from './dataset.js';

/** A dataset's query result in the run's DuckDB. */
export interface QueryFacts {
  /** `(time, dims..., other query columns, machine_id, _events)`. */
  table: string;
  /** The query's columns: the facts' columns, besides `_events`. */
  columns: string[];
}

/** The table `release(year, quarter, label)` that dataset queries read the published quarter from. */
export async function createReleaseTable(duck: Duck, quarter: Quarter): Promise<void> {
  await duck.run(
    `CREATE OR REPLACE TABLE release AS SELECT ${quarter.year} AS year, ${quarter.quarter} AS quarter, '${formatQuarter(quarter)}' AS label`,
  );
}

/**
 * Runs the dataset's query into its facts table. `keep` puts the table in the database file (a
 * revision compares two builds' files); otherwise it is temporary.
 */
export async function queryFacts(
  duck: Duck,
  dataset: DatasetDefinition,
  quarter: Quarter,
  keep = false,
): Promise<QueryFacts> {
  const tables = datasetTables(dataset.name);
  const facts = tables.facts;
  const view = tables.query;
  try {
    for (const [name, edges] of Object.entries(dataset.buckets)) await duck.run(bucketMacroSql(name, edges));
    await checkOneSelect(duck, dataset);
    await duck.run(`CREATE OR REPLACE TEMP VIEW ${view} AS ${dataset.sql}`);
    const columns = await duck.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${view}`);
    const queryColumns = columns.map((column) => column.column_name);
    const names = new Set(queryColumns);
    const required = ['machine_id', dataset.timeColumn, ...dataset.dimensions.map((dimension) => dimension.column)];
    const missing = required.filter((column) => !names.has(column));
    if (missing.length) {
      throw new PublisherError(
        'E_CONFIG',
        `dataset "${dataset.name}": query.sql must return the columns ${missing.join(', ')}`,
      );
    }
    const dimensions = new Set(dataset.dimensions.map((dimension) => dimension.column));
    const select = columns.map(({ column_name: name }) =>
      dimensions.has(name) ? `coalesce(CAST(${id(name)} AS VARCHAR), 'Unknown') AS ${id(name)}` : id(name),
    );
    await duck.run(
      `CREATE OR REPLACE ${keep ? '' : 'TEMP '}TABLE ${facts} AS SELECT ${select.join(', ')}, 0::BIGINT AS _events FROM ${view} LIMIT 0`,
    );
    const timeType = columns.find((column) => column.column_name === dataset.timeColumn)!.column_type;
    for (const batch of await timeBatchFilters(duck, dataset, view, timeType, quarter)) {
      await duck.run(
        `INSERT INTO ${facts} SELECT ${select.join(', ')}, count(*)::BIGINT FROM ${view} WHERE ${batch} GROUP BY ALL`,
      );
    }
    const [untimed] = await duck.all<{ n: string }>(
      `SELECT count(*)::BIGINT AS n FROM ${facts} WHERE ${id(dataset.timeColumn)} IS NULL`,
    );
    if (Number(untimed?.n) > 0) {
      throw new PublisherError(
        'E_CONFIG',
        `dataset "${dataset.name}": query.sql returns rows without a ${dataset.timeColumn}; every fact needs its time`,
      );
    }
    const machineIdType = columns.find((column) => column.column_name === 'machine_id')!.column_type;
    await checkPrivacyUnit(duck, dataset, facts, machineIdType);
    await cleanFacts(duck, facts, [...dimensions]);
    return { table: facts, columns: queryColumns };
  } catch (error) {
    if (error instanceof PublisherError) throw error;
    throw new PublisherError('E_CONFIG', `dataset "${dataset.name}": query.sql failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Normalises every dimension value as published (ingest/values.ts: trimmed, Unknown when empty, cleaned) before
 * anything is grouped by it, so two raw values that normalise alike become one label. This runs on each
 * distinct value, not on each fact: almost no value needs it, and string functions on millions of rows
 * are what cost (trim and clean on 10M events: 5 s). The facts holding a value that changes, or the
 * value it changes to, are regrouped, so facts stay distinct over their columns (cells.ts relies on it).
 */
async function cleanFacts(duck: Duck, facts: string, dimensions: readonly string[]): Promise<void> {
  const columns = dimensions.map(id);
  // One scan lists every dimension's distinct values: one grouping set per column, in which the other
  // columns are NULL (facts never hold a NULL dimension), named by the set's GROUPING_ID.
  const groupingId = (index: number) => 2 ** columns.length - 1 - 2 ** (columns.length - 1 - index);
  const unclean = await duck.all<{ position: number; raw: string; clean: string }>(`
    SELECT position, raw, ${dimensionValueSql('raw')} AS clean FROM (
      SELECT CASE GROUPING_ID(${columns.join(', ')}) ${columns.map((_, index) => `WHEN ${groupingId(index)} THEN ${index}`).join(' ')} END AS position,
             coalesce(${columns.join(', ')}) AS raw
      FROM ${facts} GROUP BY GROUPING SETS (${columns.map((column) => `(${column})`).join(', ')}))
    WHERE clean <> raw`);
  if (unclean.length === 0) return;
  const touched = columns.flatMap((column, position) => {
    const values = unclean.filter((row) => Number(row.position) === position).flatMap((row) => [row.raw, row.clean]);
    return values.length ? [`${column} IN (${[...new Set(values)].map(quotedString).join(', ')})`] : [];
  });
  const cleaned = columns.map((column) => `${dimensionValueSql(column)} AS ${column}`).join(', ');
  await duck.run(`
    CREATE OR REPLACE TEMP TABLE _cleaned AS
      SELECT * EXCLUDE (_events) REPLACE (${cleaned}), sum(_events)::BIGINT AS _events FROM ${facts} WHERE ${touched.join(' OR ')} GROUP BY ALL;
    DELETE FROM ${facts} WHERE ${touched.join(' OR ')};
    INSERT INTO ${facts} BY NAME SELECT * FROM _cleaned;
    DROP TABLE _cleaned;`);
}

/**
 * Filters that cut the query's rows into batches of time values, every row in exactly one (rows without
 * a time in the last). Each batch is a range on the column's native type, which lets DuckDB skip the
 * row groups of other days. A DATE column is cut along the published quarter's days without a pass over
 * the query; days outside the quarter, if a query makes any, go in the last batch. Other types are cut
 * along their distinct values.
 */
async function timeBatchFilters(
  duck: Duck,
  dataset: DatasetDefinition,
  relation: string,
  type: string,
  quarter: Quarter,
): Promise<string[]> {
  const column = id(dataset.timeColumn);
  if (type === 'DATE') {
    const days = quarterDays(quarter);
    const day = (index: number) => `DATE '${days[index]}'`;
    return [
      ...batchRanges(days.length).map(([first, last]) => `${column} BETWEEN ${day(first)} AND ${day(last)}`),
      `${column} IS NULL OR ${column} NOT BETWEEN ${day(0)} AND ${day(days.length - 1)}`,
    ];
  }
  const values = await duck.all<{ text: string; type: string }>(
    `SELECT DISTINCT ${column} AS v, v::VARCHAR AS text, typeof(v) AS type FROM ${relation} WHERE v IS NOT NULL ORDER BY v`,
  );
  const literal = (value: { text: string; type: string }) => `CAST(${quotedString(value.text)} AS ${value.type})`;
  return [
    ...batchRanges(values.length).map(
      ([first, last]) => `${column} BETWEEN ${literal(values[first]!)} AND ${literal(values[last]!)}`,
    ),
    `${column} IS NULL`,
  ];
}
