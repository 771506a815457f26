import { quotedIdentifier as id, quotedString, type Duck } from '../duck.js';
import { bucketMacroSql } from '../buckets.js';
import type { DatasetDefinition } from '../dataset.js';
import { PublisherError } from '../errors.js';
import type { Logger } from '../log.js';
import { cleanTextSql } from '../tsv.js';
import { batchesOf, buildBatch, createCellTables, STAGE, type CellTables } from './cells.js';
import { chooseLabels, type DimensionLabels } from './labels.js';

export interface ProtectionParameters {
  k: number;
  cap: number;
  /** Keep every working table in the database file (a revision compares two builds' files). */
  keepTables?: boolean;
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
  try {
    for (const [name, edges] of Object.entries(dataset.buckets)) await duck.run(bucketMacroSql(name, edges));
    await duck.run(`CREATE OR REPLACE TEMP VIEW ${view} AS ${dataset.sql}`);
    const columns = await duck.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${view}`);
    const names = new Set(columns.map((column) => column.column_name));
    const required = ['machine_id', dataset.timeColumn, ...dataset.dimensions.map((dimension) => dimension.column)];
    const missing = required.filter((column) => !names.has(column));
    if (missing.length) {
      throw new PublisherError('E_CONFIG', `dataset "${dataset.name}": query.sql must return the columns ${missing.join(', ')}`);
    }
    const dimensions = new Set(dataset.dimensions.map((dimension) => dimension.column));
    // Machine ids (64-hex hashes) are replaced by their 64-bit hash: every later step groups and counts
    // machines, and integers move far faster than long strings. Two machines whose hashes collide count
    // as one, which can only suppress more, never publish a row resting on fewer machines.
    const select = columns.map(({ column_name: name }) =>
      dimensions.has(name)
        ? `coalesce(${cleanTextSql(id(name))}, 'Unknown') AS ${id(name)}`
        : name === 'machine_id'
          ? 'hash(machine_id) AS machine_id'
          : id(name),
    );
    await duck.run(
      `CREATE OR REPLACE ${parameters.keepTables ? '' : 'TEMP '}TABLE ${facts} AS SELECT ${select.join(', ')}, 0::BIGINT AS _events FROM ${view} LIMIT 0`,
    );
    for (const batch of await batchesOf(duck, dataset.timeColumn, view)) {
      await duck.run(
        `INSERT INTO ${facts} SELECT ${select.join(', ')}, count(*)::BIGINT FROM ${view}
         WHERE ${id(dataset.timeColumn)}::VARCHAR IN (${batch.map(quotedString).join(', ')}) GROUP BY ALL`,
      );
    }
  } catch (error) {
    if (error instanceof PublisherError) throw error;
    throw new PublisherError('E_CONFIG', `dataset "${dataset.name}": query.sql failed: ${(error as Error).message}`, { cause: error });
  }

  const labels = await chooseLabels(duck, dataset, facts, prefix, parameters.k);
  const tables = await createCellTables(duck, dataset, prefix, parameters.keepTables);
  const batches = await batchesOf(duck, dataset.timeColumn, facts);
  for (const batch of batches) {
    await buildBatch(duck, dataset, facts, labels, tables, batch, parameters.k, parameters.cap);
  }
  logger.info('protected dataset', { dataset: dataset.name, k: parameters.k, cap: parameters.cap, batches: batches.length });
  return { dataset, parameters, prefix, facts, labels, tables, batches: batches.length };
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
  const { rows, assigned } = result.tables;
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
      (SELECT count(DISTINCT a.machine_id) FROM ${assigned} a SEMI JOIN (SELECT * FROM ${rows} WHERE NOT _published) s
         USING (${[result.dataset.timeColumn, ...result.dataset.dimensions.map((d) => d.column)].map(id).join(', ')}))::BIGINT AS suppressed_machines,
      (SELECT count(DISTINCT machine_id) FROM ${assigned} WHERE _events > ${result.parameters.cap})::BIGINT AS capped_machines,
      (SELECT max(removed) FROM (SELECT sum(_events - least(_events, ${result.parameters.cap})) AS removed FROM ${assigned} GROUP BY machine_id))::BIGINT AS largest_removed
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
