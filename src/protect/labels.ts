// Quarter-wide generalisation: every raw value of a dimension gets exactly one published label for the
// whole quarter, so a label never changes meaning between days. A value keeps its own label when at
// least k distinct machines used it over the quarter (within its scope); otherwise it climbs its ladder
// (10.12.6 -> 10.12 -> 10 -> Other), judged again at each level on the machines of the values that
// climbed together. A value under k over the quarter can never make a daily row of k machines on its
// own, so this pass never costs the full-detail rows a "drop rows under k" publisher would keep.
// The statements are in labels.sql; this module renders the per-scope and per-level parts.
import { type Duck, quotedIdentifier as id, quotedString } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';
import type { DatasetTables } from '../engine/tables.js';
import { cleanTextSql } from '../ingest/values.js';
import type { DatasetDefinition, Dimension } from '../query/dataset.js';

/** The label of what no published value describes. */
export const OTHER = 'Other';

const sql = sqlTemplates(import.meta.url, 'labels.sql');

export interface LabelLevelStats {
  level: number;
  /** `value`, the ladder expression, or `Other`. */
  rule: string;
  values: number;
  labels: number;
}

export interface DimensionLabels {
  column: string;
  table: string;
  levels: LabelLevelStats[];
  /**
   * Fact columns that one row of the label table (a scope and a value) pins to one value: the scope,
   * the column, and the columns its ladder reads when every value comes with one combination of them.
   */
  determines: string[];
}

/** Builds `tables.label(i)`: `(scope..., _value, _label, _level)` for every dimension of the dataset. */
export async function chooseLabels(
  duck: Duck,
  dataset: DatasetDefinition,
  factsTable: string,
  tables: DatasetTables,
  k: number,
): Promise<DimensionLabels[]> {
  const result: DimensionLabels[] = [];
  const factColumns = (await duck.all<{ column_name: string }>(sql('fact_columns', { facts: id(factsTable) })))
    .map((column) => column.column_name)
    .filter((name) => name !== 'machine_id' && name !== '_events');
  for (const [index, dimension] of dataset.dimensions.entries()) {
    result.push(await chooseDimensionLabels(duck, dimension, factsTable, factColumns, tables.label(index), k));
  }
  return result;
}

async function chooseDimensionLabels(
  duck: Duck,
  dimension: Dimension,
  factsTable: string,
  /** Columns of the facts a ladder expression may read. */
  factColumns: readonly string[],
  table: string,
  k: number,
): Promise<DimensionLabels> {
  const ladder = dimension.ladder;
  const scope = (dimension.scope ?? []).map(id);
  // Ladder expressions run once per distinct combination of the columns they can read, not once per fact.
  const read = factColumns.filter(
    (name) => name !== dimension.column && ladder.some((step) => step.toLowerCase().includes(name.toLowerCase())),
  );
  const column = id(dimension.column);
  const tables = {
    facts: id(factsTable),
    label: id(table),
    values: id(`${table}_values`),
    value_machines: id(`${table}_vm`),
  };
  await duck.run(
    sql('label_values', {
      facts: tables.facts,
      values: tables.values,
      column,
      scope_select: scopeList(scope),
      ladder_levels: ladderLevelsSql(ladder),
      other_level: levelColumn(ladder.length + 1),
      distinct_columns: [...scope, column, ...read.map(id)].join(', '),
    }),
    { other: OTHER },
  );
  await duck.run(
    sql('level_zero', {
      facts: tables.facts,
      label: tables.label,
      value_machines: tables.value_machines,
      column,
      scope_select: scopeList(scope),
      scope_select_f: scopeList(scope, 'f'),
      scope_join_t_f: scopeJoin(scope, 't', 'f'),
    }),
    { k },
  );
  for (let level = 1; level <= ladder.length + 1; level++) {
    const other = level === ladder.length + 1;
    const fills = {
      values: tables.values,
      label: tables.label,
      scope_and_value: [...scope, '_value'].join(', '),
      scope_select_u: scopeList(scope, 'u'),
      level_column: levelColumn(level),
      level_group: [...scope, levelColumn(level)].join(', '),
    };
    if (other) await duck.run(sql('other_level', fills), { level });
    else
      await duck.run(
        sql('ladder_level', {
          ...fills,
          value_machines: tables.value_machines,
          scope_join_u_vm: scopeJoin(scope, 'u', 'vm'),
        }),
        { k, level },
      );
  }
  const [combinations] = await duck.all<{ n: string | null }>(sql('largest_combinations', { values: tables.values }));
  const readsDetermined = Number(combinations?.n ?? 0) <= 1;
  await duck.run(sql('drop_work_tables', { values: tables.values, value_machines: tables.value_machines }));

  const stats = await duck.all<{ level: number; values: string; labels: string }>(
    sql('level_stats', { label: tables.label }),
  );
  const rule = (level: number): string => (level === 0 ? 'value' : level > ladder.length ? OTHER : ladder[level - 1]!);
  return {
    column: dimension.column,
    table,
    levels: stats.map((row) => ({
      level: row.level,
      rule: rule(row.level),
      values: Number(row.values),
      labels: Number(row.labels),
    })),
    determines: [...(dimension.scope ?? []), dimension.column, ...(readsDetermined ? read : [])],
  };
}

/** The label column of ladder level `level`: `l1`, `l2`, ...; the last (`Other`) is `l<ladder length + 1>`. */
const levelColumn = (level: number): string => `l${level}`;

/** The scope columns, each followed by a comma (empty without a scope): `"Product", ` or `u."Product", `. */
function scopeList(scope: readonly string[], alias?: string): string {
  return scope.map((column) => `${alias ? `${alias}.` : ''}${column}, `).join('');
}

/** ` AND a."Product" = b."Product"` per scope column: the rest of a join on the value. */
function scopeJoin(scope: readonly string[], left: string, right: string): string {
  return scope.map((column) => ` AND ${left}.${column} = ${right}.${column}`).join('');
}

/**
 * `, min(<level 1 label>) AS l1, ...`: each ladder level's label of a value, deferring to the next level
 * where the expression yields nothing (the last level, Other, never does). The expressions are the
 * dataset's ladder (SQL written in dataset.json), cleaned as every published text.
 */
function ladderLevelsSql(ladder: readonly string[]): string {
  const levelExpression = (level: number): string =>
    level > ladder.length
      ? quotedString(OTHER)
      : `coalesce(nullif(${cleanTextSql(`(${ladder[level - 1]})`)}, ''), ${levelExpression(level + 1)})`;
  return ladder.map((_, index) => `, min(${levelExpression(index + 1)}) AS ${levelColumn(index + 1)}`).join('');
}
