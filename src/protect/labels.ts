import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import type { DatasetTables } from '../engine/tables.js';
import { cleanTextSql } from '../ingest/values.js';
import type { DatasetDefinition, Dimension } from '../query/dataset.js';

/**
 * Quarter-wide generalisation: every raw value of a dimension gets exactly one published label for the
 * whole quarter, so a label never changes meaning between days. A value keeps its own label when at
 * least k distinct machines used it over the quarter (within its scope); otherwise it climbs its ladder
 * (10.12.6 -> 10.12 -> 10 -> Other), judged again at each level on the machines of the values that
 * climbed together. A value under k over the quarter can never make a daily row of k machines on its
 * own, so this pass never costs the full-detail rows a "drop rows under k" publisher would keep.
 */
export const OTHER = 'Other';

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
  const factColumns = (await duck.all<{ column_name: string }>(`DESCRIBE ${factsTable}`))
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
  const scope = (dimension.scope ?? []).map(id);
  const scopeSelect = scope.map((column) => `${column}, `).join('');
  const scopeJoin = scope.map((column) => ` AND u.${column} = vm.${column}`).join('');
  const ladder = dimension.ladder;
  // Level n's label, deferring to level n+1 where the expression yields nothing.
  const levelExpression = (level: number): string =>
    level > ladder.length
      ? `'${OTHER}'`
      : `coalesce(nullif(${cleanTextSql(`(${ladder[level - 1]})`)}, ''), ${levelExpression(level + 1)})`;
  const levelColumns = ladder.map((_, index) => `min(${levelExpression(index + 1)}) AS l${index + 1}`);
  const column = id(dimension.column);

  // Ladder expressions run once per distinct combination of the columns they can read, not once per fact.
  const read = factColumns.filter(
    (name) => name !== dimension.column && ladder.some((step) => step.toLowerCase().includes(name.toLowerCase())),
  );
  const distinct = [...scope, column, ...read.map(id)].join(', ');
  await duck.run(`
    CREATE OR REPLACE TABLE ${table}_values AS
      SELECT ${scopeSelect}${column} AS _value${levelColumns.map((c) => `, ${c}`).join('')}, '${OTHER}' AS l${ladder.length + 1},
             count(*) AS _combinations
      FROM (SELECT DISTINCT ${distinct} FROM ${factsTable}) GROUP BY ALL;
    -- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer
    -- machines than all of them, so a value with k machines in a tenth of the facts keeps its label;
    -- the machines of the other values (the rare ones, so a small table) are listed from all facts,
    -- which settles the values the sample missed and feeds the ladder. (Counting every value's machines
    -- over all facts cost 2.4 s per 10M events, mostly for the common values.)
    CREATE OR REPLACE TABLE ${table} AS
      SELECT ${scopeSelect}${column} AS _value, ${column} AS _label, 0 AS _level FROM ${factsTable} TABLESAMPLE 10% (system, 1)
      GROUP BY ALL HAVING count(DISTINCT machine_id) >= ${k};
    CREATE OR REPLACE TABLE ${table}_vm AS
      SELECT DISTINCT ${scope.map((c) => `f.${c}, `).join('')}f.${column} AS _value, f.machine_id FROM ${factsTable} f
      ANTI JOIN ${table} t ON t._value = f.${column}${scope.map((c) => ` AND t.${c} = f.${c}`).join('')};
    INSERT INTO ${table} SELECT ${scopeSelect}_value, _value, 0 FROM ${table}_vm GROUP BY ALL HAVING count(*) >= ${k};`);

  for (let level = 1; level <= ladder.length + 1; level++) {
    const group = [...scope, `l${level}`].join(', ');
    const passing =
      level === ladder.length + 1
        ? `SELECT DISTINCT ${group} FROM unresolved` // "Other" takes whatever is left; rows are judged later
        : `SELECT ${scope.map((c) => `u.${c}, `).join('')}u.l${level} FROM unresolved u
           JOIN ${table}_vm vm ON vm._value = u._value${scopeJoin}
           GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= ${k}`;
    await duck.run(`
      CREATE OR REPLACE TEMP TABLE unresolved AS
        SELECT v.* FROM ${table}_values v ANTI JOIN ${table} t USING (${[...scope, '_value'].join(', ')});
      CREATE OR REPLACE TEMP TABLE passing AS ${passing};
      INSERT INTO ${table}
        SELECT ${scope.map((c) => `u.${c}, `).join('')}u._value, u.l${level}, ${level}
        FROM unresolved u SEMI JOIN passing p USING (${group});
      DROP TABLE unresolved; DROP TABLE passing;`);
  }
  const [combinations] = await duck.all<{ n: string | null }>(
    `SELECT max(_combinations)::BIGINT AS n FROM ${table}_values`,
  );
  const readsDetermined = Number(combinations?.n ?? 0) <= 1;
  await duck.run(`DROP TABLE ${table}_values; DROP TABLE ${table}_vm;`);

  const stats = await duck.all<{ level: number; values: string; labels: string }>(
    `SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels FROM ${table} GROUP BY _level ORDER BY _level`,
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
