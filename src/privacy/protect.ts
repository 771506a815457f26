import { quotedIdentifier as id, quotedString, type Duck } from '../duck.js';
import { bucketMacroSql } from '../buckets.js';
import type { DatasetDefinition } from '../dataset.js';
import { PublisherError } from '../errors.js';
import type { Logger } from '../log.js';
import { quarterDays } from '../quarter.js';
import type { Quarter } from '../release.js';
import { dimensionValueSql } from '../tsv.js';
import { batchRanges, buildBatch, createCellTables, createKeyLayout, labelRowsIdentifyFacts, STAGE, timeBatches, type CellTables } from './cells.js';
import { chooseLabels, type DimensionLabels } from './labels.js';

export interface ProtectionParameters {
  k: number;
  cap: number;
  /** Keep every working table in the database file (a revision compares two builds' files). */
  keepTables?: boolean;
  /** Row keys up to this many bits travel as BIGINT, longer ones as HUGEINT (default 63; tests set 0). */
  narrowKeyBits?: number;
}

export interface ProtectedDataset {
  dataset: DatasetDefinition;
  parameters: ProtectionParameters;
  /** Working-table prefix of this dataset in the run's DuckDB. */
  prefix: string;
  /** `(time, dims..., machine_id, _events)`: the dataset's facts aggregated to one row per machine and cell. */
  facts: string;
  labels: DimensionLabels[];
  tables: CellTables;
  batches: number;
}

export function tablePrefix(dataset: DatasetDefinition): string {
  return `ds_${dataset.name.replace(/-/g, '_')}`;
}

/**
 * Runs the dataset's query and protects the result: aggregate to (cell, machine) a batch at a time,
 * choose quarter-wide labels (a small pass over distinct values), then build rows batch by batch.
 */
export async function protectDataset(
  duck: Duck,
  dataset: DatasetDefinition,
  parameters: ProtectionParameters,
  logger: Logger,
): Promise<ProtectedDataset> {
  const prefix = tablePrefix(dataset);
  const facts = `${prefix}_facts`;
  const view = `${prefix}_query`;
  /** The query's columns: the facts' columns, besides `_events`. */
  let queryColumns: string[] = [];
  try {
    for (const [name, edges] of Object.entries(dataset.buckets)) await duck.run(bucketMacroSql(name, edges));
    await duck.run(`CREATE OR REPLACE TEMP VIEW ${view} AS ${dataset.sql}`);
    const columns = await duck.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${view}`);
    queryColumns = columns.map((column) => column.column_name);
    const names = new Set(queryColumns);
    const required = ['machine_id', dataset.timeColumn, ...dataset.dimensions.map((dimension) => dimension.column)];
    const missing = required.filter((column) => !names.has(column));
    if (missing.length) {
      throw new PublisherError('E_CONFIG', `dataset "${dataset.name}": query.sql must return the columns ${missing.join(', ')}`);
    }
    const dimensions = new Set(dataset.dimensions.map((dimension) => dimension.column));
    // `events` carries machines as the 64-bit hash of their id; a query that derives its own privacy
    // unit (a text id) gets it hashed the same way, so every later step groups integers.
    const select = columns.map(({ column_name: name, column_type: type }) =>
      dimensions.has(name)
        ? `coalesce(CAST(${id(name)} AS VARCHAR), 'Unknown') AS ${id(name)}`
        : name === 'machine_id' && type !== 'UBIGINT'
          ? 'hash(machine_id) AS machine_id'
          : id(name),
    );
    await duck.run(
      `CREATE OR REPLACE ${parameters.keepTables ? '' : 'TEMP '}TABLE ${facts} AS SELECT ${select.join(', ')}, 0::BIGINT AS _events FROM ${view} LIMIT 0`,
    );
    const timeType = columns.find((column) => column.column_name === dataset.timeColumn)!.column_type;
    for (const batch of await timeBatchFilters(duck, dataset, view, timeType)) {
      await duck.run(`INSERT INTO ${facts} SELECT ${select.join(', ')}, count(*)::BIGINT FROM ${view} WHERE ${batch} GROUP BY ALL`);
    }
    const [untimed] = await duck.all<{ n: string }>(`SELECT count(*)::BIGINT AS n FROM ${facts} WHERE ${id(dataset.timeColumn)} IS NULL`);
    if (Number(untimed?.n) > 0) {
      throw new PublisherError('E_CONFIG', `dataset "${dataset.name}": query.sql returns rows without a ${dataset.timeColumn}; every fact needs its time`);
    }
    await cleanFacts(duck, facts, [...dimensions]);
  } catch (error) {
    if (error instanceof PublisherError) throw error;
    throw new PublisherError('E_CONFIG', `dataset "${dataset.name}": query.sql failed: ${(error as Error).message}`, { cause: error });
  }

  const labels = await chooseLabels(duck, dataset, facts, prefix, parameters.k);
  const layout = await createKeyLayout(duck, dataset, facts, labels, prefix, parameters.narrowKeyBits);
  const tables = await createCellTables(duck, dataset, prefix, layout, parameters.keepTables);
  const batches = await timeBatches(duck, layout);
  const identified = labelRowsIdentifyFacts(dataset, queryColumns, labels);
  for (const batch of batches) {
    await buildBatch(duck, dataset, facts, labels, layout, tables, batch, parameters.k, parameters.cap, identified);
  }
  logger.info('protected dataset', { dataset: dataset.name, k: parameters.k, cap: parameters.cap, batches: batches.length });
  return { dataset, parameters, prefix, facts, labels, tables, batches: batches.length };
}

/**
 * Normalises every dimension value as published (tsv.ts: trimmed, Unknown when empty, cleaned) before
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
async function timeBatchFilters(duck: Duck, dataset: DatasetDefinition, relation: string, type: string): Promise<string[]> {
  const column = id(dataset.timeColumn);
  if (type === 'DATE') {
    const [release] = await duck.all<{ year: number; quarter: Quarter['quarter'] }>('SELECT year, quarter FROM release');
    const days = quarterDays({ year: Number(release!.year), quarter: Number(release!.quarter) as Quarter['quarter'] });
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
    ...batchRanges(values.length).map(([first, last]) => `${column} BETWEEN ${literal(values[first]!)} AND ${literal(values[last]!)}`),
    `${column} IS NULL`,
  ];
}

export interface ProtectionStats {
  events: number;
  eventsRemovedByCap: number;
  /** Distinct machines that hit the cap in at least one row. */
  machinesCapped: number;
  /** Events the cap removed from the machine it removed most from. */
  largestRemovedByCap: number;
  rowsPublished: number;
  rowsSuppressed: number;
  /** Of the suppressed rows, those suppressed only to protect others against differencing. */
  rowsSecondary: number;
  valuePublished: { detail: number; generalised: number; remainder: number };
  valueSuppressed: number;
  /** Of the suppressed value, the part in rows suppressed only against differencing. */
  valueSecondary: number;
  machinesBehindSuppressed: number;
  minMachinesPerRow: number | null;
  medianMachinesPerRow: number | null;
}

export async function protectionStats(duck: Duck, result: ProtectedDataset): Promise<ProtectionStats> {
  const { rows, packed } = result.tables;
  const [row] = await duck.all<Record<string, string | null>>(`
    SELECT
      (SELECT sum(_events) FROM ${result.facts})::BIGINT AS events,
      sum(_raw_events - _value) FILTER (WHERE ${result.dataset.measure.count === 'events'})::BIGINT AS removed,
      count(*) FILTER (WHERE _published)::BIGINT AS rows_published,
      count(*) FILTER (WHERE NOT _published)::BIGINT AS rows_suppressed,
      count(*) FILTER (WHERE _secondary)::BIGINT AS rows_secondary,
      coalesce(sum(_value) FILTER (WHERE _published AND _stage = ${STAGE.detail}), 0)::BIGINT AS detail,
      coalesce(sum(_value) FILTER (WHERE _published AND _stage = ${STAGE.generalised}), 0)::BIGINT AS generalised,
      coalesce(sum(_value) FILTER (WHERE _published AND _stage = ${STAGE.remainder}), 0)::BIGINT AS remainder,
      coalesce(sum(_value) FILTER (WHERE NOT _published), 0)::BIGINT AS suppressed,
      coalesce(sum(_value) FILTER (WHERE _secondary), 0)::BIGINT AS secondary,
      min(_machines) FILTER (WHERE _published)::BIGINT AS min_machines,
      median(_machines) FILTER (WHERE _published)::DOUBLE AS median_machines,
      (SELECT count(DISTINCT machine_id) FROM ${packed} WHERE _key IN (SELECT _key FROM ${rows} WHERE NOT _published))::BIGINT AS suppressed_machines,
      (SELECT count(DISTINCT machine_id) FROM ${packed} WHERE _events > ${result.parameters.cap})::BIGINT AS capped_machines,
      (SELECT max(removed) FROM (SELECT sum(_events - least(_events, ${result.parameters.cap})) AS removed FROM ${packed} GROUP BY machine_id))::BIGINT AS largest_removed
    FROM ${rows}`);
  const n = (key: string): number => Number(row?.[key] ?? 0);
  return {
    events: n('events'),
    eventsRemovedByCap: n('removed'),
    machinesCapped: result.dataset.measure.count === 'events' ? n('capped_machines') : 0,
    largestRemovedByCap: result.dataset.measure.count === 'events' ? n('largest_removed') : 0,
    rowsPublished: n('rows_published'),
    rowsSuppressed: n('rows_suppressed'),
    rowsSecondary: n('rows_secondary'),
    valuePublished: { detail: n('detail'), generalised: n('generalised'), remainder: n('remainder') },
    valueSuppressed: n('suppressed'),
    valueSecondary: n('secondary'),
    machinesBehindSuppressed: n('suppressed_machines'),
    minMachinesPerRow: row?.min_machines == null ? null : Number(row.min_machines),
    medianMachinesPerRow: row?.median_machines == null ? null : Number(row.median_machines),
  };
}
