// The query stage: runs a dataset's `query.sql` over the job's tables and keeps its result as facts,
// one row per machine and cell with the machine's event count, every dimension value normalised as it
// will be published. It checks the query's contract: the columns the dataset declares, a time on
// every row. The statements are in facts.sql; this module renders the per-column lists.

import { batchRanges, DEFAULT_VALUES_PER_BATCH } from '../core/batches.js';
import { PublisherError } from '../core/errors.js';
import { formatQuarter, quarterDays } from '../core/quarter.js';
import type { Quarter } from '../core/release.js';
import { type Duck, quotedIdentifier as id, quotedString } from '../engine/duck.js';
import { resourceError } from '../engine/resources.js';
import { sqlComment, sqlTemplates } from '../engine/sql.js';
import { datasetTables } from '../engine/tables.js';
import { dimensionValueSql } from '../ingest/values.js';
import { bucketMacroSql } from './buckets.js';
import { checkOneSelect, checkPrivacyUnit } from './contract.js';
import type { DatasetDefinition } from './dataset.js';

const sql = sqlTemplates(import.meta.url, 'facts.sql');

/** A dataset's query result in the run's DuckDB. */
export interface QueryFacts {
  /** `(time, dims..., other query columns, machine_id, _events)`. */
  table: string;
  /** The query's columns: the facts' columns, besides `_events`. */
  columns: string[];
}

/** The table `release(year, quarter, label)` that dataset queries read the published quarter from. */
export async function createReleaseTable(duck: Duck, quarter: Quarter): Promise<void> {
  await duck.run(sql('release_table'), {
    year: quarter.year,
    quarter: quarter.quarter,
    label: formatQuarter(quarter),
  });
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
  /** Days per batch of the facts' queries (valuesPerBatch in core/batches.ts). */
  perBatch = DEFAULT_VALUES_PER_BATCH,
): Promise<QueryFacts> {
  const tables = datasetTables(dataset.name);
  const facts = id(tables.facts);
  const view = id(tables.query);
  try {
    for (const [name, edges] of Object.entries(dataset.buckets)) await duck.run(bucketMacroSql(name, edges));
    await checkOneSelect(duck, dataset);
    await duck.run(sql('query_view', { view, query: dataset.sql }));
    const columns = await duck.all<{ column_name: string; column_type: string }>(sql('describe_query', { view }));
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
    const fill = { facts, view, fact_columns: factColumnsSql(columns, dimensions) };
    await duck.run(sql('create_facts', { ...fill, temporary: keep ? '' : 'TEMP ' }));
    const time = id(dataset.timeColumn);
    const timeType = columns.find((column) => column.column_name === dataset.timeColumn)!.column_type;
    for (const batch of await timeBatches(duck, view, time, timeType, quarter, perBatch)) {
      await duck.run(sql(batch.statement, { ...fill, time, ...batch.fills }), batch.params);
    }
    const [untimed] = await duck.all<{ n: string }>(sql('count_untimed', { facts, time }));
    if (Number(untimed?.n) > 0) {
      throw new PublisherError(
        'E_CONFIG',
        `dataset "${dataset.name}": query.sql returns rows without a ${dataset.timeColumn}; every fact needs its time`,
      );
    }
    const machineIdType = columns.find((column) => column.column_name === 'machine_id')!.column_type;
    await checkPrivacyUnit(duck, dataset, facts, machineIdType);
    await cleanFacts(duck, facts, [...dimensions]);
    return { table: tables.facts, columns: queryColumns };
  } catch (error) {
    if (error instanceof PublisherError) throw error;
    const resource = await resourceError(duck, error, `running the query of dataset "${dataset.name}"`);
    if (resource) throw resource;
    throw new PublisherError('E_CONFIG', `dataset "${dataset.name}": query.sql failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * The facts' columns, in the query's order: dimensions as text, NULL as Unknown. `machine_id` stays the
 * archive's (the 64-bit hash of the id; contract.ts refuses anything else).
 */
function factColumnsSql(
  columns: ReadonlyArray<{ column_name: string; column_type: string }>,
  dimensions: ReadonlySet<string>,
): string {
  return columns
    .map(({ column_name: name }) =>
      dimensions.has(name) ? `coalesce(CAST(${id(name)} AS VARCHAR), 'Unknown') AS ${id(name)}` : id(name),
    )
    .join(', ');
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
  // GROUPING_ID has a bit per column, the first column highest, set where the column is not grouped.
  const groupingId = (index: number) => 2 ** columns.length - 1 - 2 ** (columns.length - 1 - index);
  const unclean = await duck.all<{ position: number; raw: string; clean: string }>(
    sql('unclean_values', {
      facts,
      clean_raw: dimensionValueSql('raw'),
      dimension_columns: columns.join(', '),
      position_of_grouping_id: columns
        .map((column, index) => `WHEN ${groupingId(index)} THEN ${index} ${sqlComment(column)}`)
        .join('\n           '),
      grouping_sets: columns.map((column) => `(${column})`).join(', '),
    }),
  );
  if (unclean.length === 0) return;
  // Per dimension with values that change: its raw and clean values, as the list `$touched_<n>`.
  const touched = columns.flatMap((column, position) => {
    const values = unclean.filter((row) => Number(row.position) === position).flatMap((row) => [row.raw, row.clean]);
    // Sorted: the statement's parameters are the same on every run (TP_TRACE_SQL, engine.sql).
    return values.length ? [{ column, name: `touched_${position}`, values: [...new Set(values)].sort() }] : [];
  });
  await duck.run(
    sql('regroup_cleaned', {
      facts,
      cleaned_columns: columns.map((column) => `${dimensionValueSql(column)} AS ${column}`).join(', '),
      touched: touched.map(({ column, name }) => `list_contains($${name}, ${column})`).join(' OR '),
    }),
    Object.fromEntries(touched.map(({ name, values }) => [name, values])),
  );
}

/** One batch of the query's rows: the statement that inserts it and what it binds. */
interface TimeBatch {
  statement: 'insert_facts_days' | 'insert_facts_outside_days' | 'insert_facts_values' | 'insert_facts_untimed';
  fills?: Record<string, string>;
  params?: Record<string, string>;
}

/**
 * Cuts the query's rows into batches of time values, every row in exactly one (rows without a time in
 * the last). Each batch is a range on the column's native type, which lets DuckDB skip the row groups
 * of other days. A DATE column is cut along the published quarter's days without a pass over the
 * query; days outside the quarter, if a query makes any, go in the last batch. Other types are cut
 * along their distinct values.
 */
async function timeBatches(
  duck: Duck,
  view: string,
  time: string,
  type: string,
  quarter: Quarter,
  perBatch: number,
): Promise<TimeBatch[]> {
  if (type === 'DATE') {
    const days = quarterDays(quarter);
    // Literals, not parameters: a bound day made the batches slower (facts.sql says by how much).
    const day = (index: number) => `DATE ${quotedString(days[index]!)}`;
    return [
      ...batchRanges(days.length, perBatch).map(([first, last]) => ({
        statement: 'insert_facts_days' as const,
        fills: { first_day: day(first), last_day: day(last) },
      })),
      {
        statement: 'insert_facts_outside_days',
        fills: { quarter_first_day: day(0), quarter_last_day: day(days.length - 1) },
      },
    ];
  }
  const values = await duck.all<{ text: string; type: string }>(sql('time_values', { view, time }));
  return [
    ...batchRanges(values.length, perBatch).map(([first, last]) => ({
      statement: 'insert_facts_values' as const,
      // Every value of one column has the column's type.
      fills: { time_type: values[first]!.type },
      params: { first_value: values[first]!.text, last_value: values[last]!.text },
    })),
    { statement: 'insert_facts_untimed' },
  ];
}
