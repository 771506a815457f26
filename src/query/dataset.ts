import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PublisherError } from '../core/errors.js';
import type { ColumnSpec, ColumnType } from '../core/release.js';
import { openDuck, quotedString } from '../engine/duck.js';
import { validateEdges } from './buckets.js';

/**
 * A dataset is a folder in queries/: `query.sql` says which facts it is built from, `dataset.json` says
 * what is published (columns, grain, k, generalisation ladders). src/ knows no dataset by name.
 */
export interface Dimension {
  /** Output column, also a column of the query's result. */
  column: string;
  /**
   * SQL expressions over the query's result, from finest to coarsest, that give the value's label at
   * each generalisation level above the raw value; "Other" is the implied last level. An expression
   * that yields NULL or '' at some level defers to the next level.
   */
  ladder: string[];
  /** Columns within which rarity is judged (e.g. a bucket is rare within its feature). */
  scope?: string[];
}

export interface DatasetDefinition {
  name: string;
  title: string;
  description: string;
  grain: string;
  schemaVersion: number;
  /** Default k: minimum distinct machines behind any published row. */
  k: number;
  /** Events one machine may contribute to one row (public); only for `count: "events"`. */
  contributionCap: number;
  /** Events one machine may contribute to the whole dataset on one day (public); only for `count: "events"`. */
  dailyContributionCap?: number;
  /** Rows of different values of this column are independent (a day); processed in batches. */
  timeColumn: string;
  measure: { column: string; count: 'events' | 'machines' };
  columns: ColumnSpec[];
  dimensions: Dimension[];
  /**
   * Successive sets of dimensions set to "Other" for rows still under k, before suppression. When
   * `remainderByData` is set, these are resolved by the protect stage (and the audit) from the quarter's
   * data: one dimension more at each step, in the order `remainderOrder` chooses; until then it is [].
   */
  remainder: string[][];
  /**
   * `"remainder": {"oneAtATime": [dims]}`: the dimensions rolled one at a time, the order chosen from
   * the quarter's data (`remainderOrder` in src/protect/cells.ts documents the rule).
   */
  remainderByData?: string[];
  /** Datasets with the same population describe the same machines and are protected jointly. */
  population?: string;
  /** Numeric bucket edges, available to query.sql as `bucket_<name>(x)`. */
  buckets: Record<string, number[]>;
  sql: string;
  folder: string;
}

export const DEFAULT_QUERIES_DIR = resolve(fileURLToPath(new URL('../../queries', import.meta.url)));

const NAME = /^[a-z][a-z0-9-]*$/;
const COLUMN_TYPES: readonly ColumnType[] = ['date', 'integer', 'string', 'boolean', 'number'];

export async function listDatasets(queriesDir = DEFAULT_QUERIES_DIR): Promise<string[]> {
  const entries = await readdir(queriesDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && NAME.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** The named datasets, or every dataset folder when none is named. */
export async function loadDatasets(
  names: readonly string[],
  queriesDir = DEFAULT_QUERIES_DIR,
): Promise<DatasetDefinition[]> {
  const chosen = names.length > 0 ? names : await listDatasets(queriesDir);
  if (chosen.length === 0) throw new PublisherError('E_CONFIG', `no dataset folders found in ${queriesDir}`);
  return Promise.all(chosen.map((name) => loadDataset(name, queriesDir)));
}

export async function loadDataset(name: string, queriesDir = DEFAULT_QUERIES_DIR): Promise<DatasetDefinition> {
  if (!NAME.test(name)) throw new PublisherError('E_CONFIG', `dataset name must match ${NAME}, got "${name}"`);
  const folder = join(queriesDir, name);
  let metadata: unknown;
  let sql: string;
  try {
    metadata = JSON.parse(await readFile(join(folder, 'dataset.json'), 'utf8'));
    sql = await readFile(join(folder, 'query.sql'), 'utf8');
  } catch (error) {
    const known = await listDatasets(queriesDir).catch(() => []);
    throw new PublisherError(
      'E_CONFIG',
      `dataset "${name}" cannot be loaded from ${folder} (known datasets: ${known.join(', ') || 'none'}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const dataset = validateDataset(name, metadata, sql, folder);
  await validateLadders(dataset);
  return dataset;
}

/** The keys dataset.json may hold, per object: a misspelt key would otherwise be ignored silently. */
const KNOWN_KEYS = {
  dataset: [
    'title',
    'description',
    'grain',
    'schemaVersion',
    'k',
    'contributionCap',
    'dailyContributionCap',
    'timeColumn',
    'measure',
    'columns',
    'dimensions',
    'remainder',
    'population',
    'buckets',
  ],
  column: ['name', 'type', 'description', 'derivation'],
  dimension: ['column', 'ladder', 'scope'],
  measure: ['column', 'count'],
} as const;

function unknownKeys(value: unknown, known: readonly string[]): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.keys(value).filter((key) => !known.includes(key));
}

/**
 * Ladder expressions run deep in the protect stage; an unknown function there would surface as an
 * internal error mid-run. Each is parsed here and every function it calls must exist in DuckDB (or be
 * one of the dataset's bucket macros). Columns cannot be checked yet: they come from the query's result.
 */
async function validateLadders(dataset: DatasetDefinition): Promise<void> {
  const steps = dataset.dimensions.flatMap((dimension) =>
    dimension.ladder.map((expression) => ({ dimension: dimension.column, expression })),
  );
  if (steps.length === 0) return;
  const duck = await openDuck();
  try {
    const known = new Set(
      (await duck.all<{ name: string }>('SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions()')).map(
        (row) => row.name,
      ),
    );
    for (const name of Object.keys(dataset.buckets)) known.add(`bucket_${name}`.toLowerCase());
    for (const { dimension, expression } of steps) {
      const fail = (problem: string): never => {
        throw new PublisherError(
          'E_CONFIG',
          `dataset "${dataset.name}" (${join(dataset.folder, 'dataset.json')}): the ladder of dimension "${dimension}" has the expression ${JSON.stringify(expression)}, which ${problem}`,
        );
      };
      const [row] = await duck.all<{ tree: string }>(
        `SELECT json_serialize_sql(${quotedString(`SELECT (${expression})`)}) AS tree`,
      );
      const tree = JSON.parse(row!.tree) as { error?: boolean; error_message?: string; statements?: unknown[] };
      if (tree.error) fail(`is not valid SQL: ${tree.error_message}`);
      if (tree.statements?.length !== 1) fail('must be one SQL expression');
      const unknown = [...functionNames(tree.statements)].filter((name) => !known.has(name.toLowerCase()));
      if (unknown.length) fail(`calls the unknown function(s) ${unknown.join(', ')}`);
    }
  } finally {
    duck.close();
  }
}

/** Every function a parsed statement calls (operators aside), from DuckDB's JSON syntax tree. */
function functionNames(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const child of node) functionNames(child, found);
  else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (record.class === 'FUNCTION' && !record.is_operator && typeof record.function_name === 'string')
      found.add(record.function_name);
    for (const value of Object.values(record)) functionNames(value, found);
  }
  return found;
}

function validateDataset(name: string, metadata: unknown, sql: string, folder: string): DatasetDefinition {
  const fail = (message: string): never => {
    throw new PublisherError('E_CONFIG', `dataset "${name}" (${join(folder, 'dataset.json')}): ${message}`);
  };
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    return fail('must be a JSON object');
  const m = metadata as Record<string, unknown>;
  const refuseUnknown = (value: unknown, known: readonly string[], where: string): void => {
    const unknown = unknownKeys(value, known);
    if (unknown.length)
      fail(`unknown key(s) ${unknown.map((key) => `\`${key}\``).join(', ')} in ${where} (known: ${known.join(', ')})`);
  };
  refuseUnknown(m, KNOWN_KEYS.dataset, 'the dataset');
  for (const [index, column] of (Array.isArray(m.columns) ? m.columns : []).entries())
    refuseUnknown(column, KNOWN_KEYS.column, `columns[${index}]`);
  for (const [index, dimension] of (Array.isArray(m.dimensions) ? m.dimensions : []).entries())
    refuseUnknown(dimension, KNOWN_KEYS.dimension, `dimensions[${index}]`);
  refuseUnknown(m.measure, KNOWN_KEYS.measure, '`measure`');
  const text = (key: string): string =>
    typeof m[key] === 'string' && m[key] !== '' ? (m[key] as string) : fail(`\`${key}\` must be a non-empty string`);
  const integer = (key: string, min: number, fallback?: number): number => {
    const value = m[key] ?? fallback;
    return Number.isSafeInteger(value) && (value as number) >= min
      ? (value as number)
      : fail(`\`${key}\` must be an integer from ${min} to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(value)}`);
  };
  const columns = Array.isArray(m.columns) ? m.columns : fail('`columns` must be a list');
  const parsedColumns: ColumnSpec[] = columns.map((column, index) => {
    const c = column as Record<string, unknown>;
    if (typeof c?.name !== 'string' || !c.name) return fail(`columns[${index}].name must be a string`);
    if (!COLUMN_TYPES.includes(c.type as ColumnType))
      return fail(`columns[${index}].type must be one of ${COLUMN_TYPES.join(', ')}, got ${JSON.stringify(c.type)}`);
    if (typeof c.description !== 'string') return fail(`columns[${index}].description must be a string`);
    return {
      name: c.name,
      type: c.type as ColumnType,
      description: c.description,
      ...(typeof c.derivation === 'string' ? { derivation: c.derivation } : {}),
    };
  });
  const names = new Set(parsedColumns.map((column) => column.name));
  if (names.size !== parsedColumns.length) fail('column names must be unique');
  const measure = m.measure as Record<string, unknown> | undefined;
  if (!measure || typeof measure.column !== 'string' || !names.has(measure.column))
    fail('`measure.column` must name one of the columns');
  if (measure!.count !== 'events' && measure!.count !== 'machines')
    fail('`measure.count` must be "events" or "machines"');
  const timeColumn = text('timeColumn');
  if (!names.has(timeColumn)) fail(`\`timeColumn\` "${timeColumn}" is not one of the columns`);
  const dimensions = (Array.isArray(m.dimensions) ? m.dimensions : fail('`dimensions` must be a list')).map(
    (d, index) => {
      const dimension = d as Record<string, unknown>;
      if (typeof dimension.column !== 'string' || !names.has(dimension.column))
        return fail(`dimensions[${index}].column must name one of the columns`);
      const ladder = dimension.ladder ?? [];
      if (!Array.isArray(ladder) || ladder.some((step) => typeof step !== 'string'))
        return fail(`dimensions[${index}].ladder must be a list of SQL expressions`);
      const scope = dimension.scope ?? [];
      if (!Array.isArray(scope) || scope.some((column) => typeof column !== 'string' || !names.has(column)))
        return fail(`dimensions[${index}].scope must list columns`);
      return {
        column: dimension.column,
        ladder: ladder as string[],
        ...(scope.length ? { scope: scope as string[] } : {}),
      };
    },
  );
  const dimensionNames = new Set(dimensions.map((dimension) => dimension.column));
  const expected = [timeColumn, measure!.column as string, ...dimensionNames];
  const missing = parsedColumns.map((column) => column.name).filter((column) => !expected.includes(column));
  if (missing.length) fail(`columns ${missing.join(', ')} are neither the time column, the measure nor a dimension`);
  // Either fixed steps (an array of dimension sets) or {"oneAtATime": [dimensions]} (order from data).
  const byData = m.remainder !== null && typeof m.remainder === 'object' && !Array.isArray(m.remainder);
  const remainder = (Array.isArray(m.remainder) ? m.remainder : []).map((step, index) => {
    if (!Array.isArray(step) || step.some((column) => !dimensionNames.has(column as string)))
      return fail(`remainder[${index}] must list dimension columns`);
    return step as string[];
  });
  let remainderByData: string[] | undefined;
  if (byData) {
    const spec = m.remainder as Record<string, unknown>;
    const list = spec.oneAtATime;
    if (
      Object.keys(spec).some((key) => key !== 'oneAtATime') ||
      !Array.isArray(list) ||
      list.length === 0 ||
      list.some((column) => !dimensionNames.has(column as string)) ||
      new Set(list).size !== list.length
    )
      fail('`remainder` must be an array of steps or {"oneAtATime": [distinct dimension columns]}');
    remainderByData = list as string[];
  }
  const k = integer('k', 2);
  const rawBuckets = m.buckets ?? {};
  if (typeof rawBuckets !== 'object' || rawBuckets === null || Array.isArray(rawBuckets))
    fail('`buckets` must be an object of name -> edges');
  let buckets: Record<string, number[]> = {};
  try {
    buckets = Object.fromEntries(
      Object.entries(rawBuckets as object).map(([bucket, edges]) => [bucket, validateEdges(bucket, edges)]),
    );
  } catch (error) {
    fail((error as Error).message);
  }
  return {
    name,
    title: text('title'),
    description: text('description'),
    grain: text('grain'),
    schemaVersion: integer('schemaVersion', 1),
    k,
    contributionCap: integer('contributionCap', 1, 1_000_000),
    ...(m.dailyContributionCap === undefined ? {} : { dailyContributionCap: integer('dailyContributionCap', 1) }),
    timeColumn,
    measure: { column: measure!.column as string, count: measure!.count as 'events' | 'machines' },
    columns: parsedColumns,
    dimensions,
    remainder,
    ...(remainderByData ? { remainderByData } : {}),
    ...(typeof m.population === 'string' ? { population: m.population } : {}),
    buckets,
    // Used as a subquery: a trailing semicolon would end the statement early.
    sql: sql.trim().replace(/;\s*$/, ''),
    folder,
  };
}
