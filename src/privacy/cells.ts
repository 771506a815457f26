import { quotedIdentifier as id, quotedString, type Duck } from '../duck.js';
import type { DatasetDefinition } from '../dataset.js';
import type { DimensionLabels } from './labels.js';
import { OTHER } from './labels.js';

/**
 * Builds the published rows of one dataset, one batch of days at a time (rows of different days never mix):
 * 1. each (row, machine) pair with the machine's events, labels from the quarter-wide choice;
 * 2. rows under k are rolled into remainder rows, step by step (the dataset's `remainder` lists which
 *    dimensions become "Other" at each step); a remainder row that meets an existing row merges with it;
 * 3. what is still under k is suppressed.
 * Every event ends in exactly one row, published or suppressed: the published rows are disjoint, so no
 * suppressed row can be derived from published ones by subtraction (there are no totals or marginals).
 * Stages: 0 = full detail, 1 = generalised labels, 2 = holds remainder contributions.
 */
export const STAGE = { detail: 0, generalised: 1, remainder: 2 } as const;

export interface CellTables {
  /** `(time, dims..., _value, _machines, _raw_events, _stage, _published, _secondary)` one row per output row. */
  rows: string;
  /** `(time, dims..., machine_id, _events, _stage)`: which machine (by hash) ended in which row. */
  assigned: string;
}

export function cellTables(prefix: string): CellTables {
  return { rows: `${prefix}_rows`, assigned: `${prefix}_assigned` };
}

/**
 * `keep` puts the tables in the database file, for a revision that ATTACHes it; otherwise the large
 * assignment table is a temporary one (kept in memory, spilled to temp_directory), never written out.
 */
export async function createCellTables(duck: Duck, dataset: DatasetDefinition, prefix: string, keep = false): Promise<CellTables> {
  const tables = cellTables(prefix);
  const dims = dataset.dimensions.map((dimension) => `${id(dimension.column)} VARCHAR`).join(', ');
  await duck.run(`
    CREATE OR REPLACE ${keep ? '' : 'TEMP '}TABLE ${tables.assigned} (${id(dataset.timeColumn)} VARCHAR, ${dims}, machine_id UBIGINT, _events BIGINT, _stage INTEGER);
    CREATE OR REPLACE TABLE ${tables.rows} (${id(dataset.timeColumn)} VARCHAR, ${dims}, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);`);
  return tables;
}

/** How many values of the time column (days) one batch holds: few statements, memory bounded by a week. */
export const VALUES_PER_BATCH = 7;

/** Distinct values of the time column of a table or view, grouped into batches, in order. */
export async function batchesOf(duck: Duck, timeColumn: string, relation: string): Promise<string[][]> {
  const rows = await duck.all<{ t: string }>(`SELECT DISTINCT ${id(timeColumn)}::VARCHAR AS t FROM ${relation} ORDER BY 1`);
  const batches: string[][] = [];
  for (let start = 0; start < rows.length; start += VALUES_PER_BATCH) batches.push(rows.slice(start, start + VALUES_PER_BATCH).map((row) => row.t));
  return batches;
}

export async function buildBatch(
  duck: Duck,
  dataset: DatasetDefinition,
  factsTable: string,
  labels: readonly DimensionLabels[],
  tables: CellTables,
  /** Values of the time column built together (rows of different values never mix). */
  batch: readonly string[],
  k: number,
  cap: number,
): Promise<void> {
  const time = id(dataset.timeColumn);
  const dims = dataset.dimensions.map((dimension) => id(dimension.column));
  const keys = [time, ...dims];
  const joins = dataset.dimensions
    .map((dimension, index) => {
      const label = labels[index]!;
      const on = [...(dimension.scope ?? []), dimension.column].map((column) =>
        column === dimension.column ? `l${index}._value = f.${id(column)}` : `l${index}.${id(column)} = f.${id(column)}`,
      );
      return `JOIN ${label.table} l${index} ON ${on.join(' AND ')}`;
    })
    .join('\n      ');
  const generalised = dataset.dimensions.map((_, index) => `l${index}._level > 0`).join(' OR ') || 'false';
  await duck.run(`
    CREATE OR REPLACE TEMP TABLE cur AS
      SELECT f.${time}::VARCHAR AS ${time}, ${dims.map((dim, index) => `l${index}._label AS ${dim}`).join(', ')},
             f.machine_id, sum(f._events)::BIGINT AS _events,
             max(CASE WHEN ${generalised} THEN ${STAGE.generalised} ELSE ${STAGE.detail} END) AS _stage
      FROM ${factsTable} f
      ${joins}
      WHERE f.${time}::VARCHAR IN (${batch.map(quotedString).join(', ')})
      GROUP BY ALL;`);

  for (const step of dataset.remainder) {
    const rolled = new Set(step.map(id));
    // One pass per step: a window count marks the rows under k, which are re-keyed and merged.
    await duck.run(`
      CREATE OR REPLACE TEMP TABLE cur AS
        SELECT ${time}, ${dims.map((dim) => (rolled.has(dim) ? `CASE WHEN _failing THEN '${OTHER}' ELSE ${dim} END AS ${dim}` : dim)).join(', ')},
               machine_id, sum(_events)::BIGINT AS _events, max(CASE WHEN _failing THEN ${STAGE.remainder} ELSE _stage END) AS _stage
        FROM (SELECT *, count(*) OVER (PARTITION BY ${keys.join(', ')}) < ${k} AS _failing FROM cur)
        GROUP BY ALL;`);
  }

  const value = dataset.measure.count === 'events' ? `sum(least(_events, ${cap}))` : 'count(*)';
  await duck.run(`
    INSERT INTO ${tables.assigned} SELECT ${keys.join(', ')}, machine_id, _events, _stage FROM cur;
    INSERT INTO ${tables.rows}
      SELECT ${keys.join(', ')}, ${value}::BIGINT, count(*)::BIGINT, sum(_events)::BIGINT, max(_stage), count(*) >= ${k}, false
      FROM cur GROUP BY ALL;
    DROP TABLE cur;`);
}
