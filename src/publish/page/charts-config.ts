// Which charts a dataset's page shows: `queries/<name>/charts.json` beside its dataset.json, so src/
// knows no dataset by name. A dataset without one gets a single generic chart (the measure over time
// for the top values of its first dimension). Checked against the catalog's columns: a chart naming a
// A malformed charts.json stops the run (E_CONFIG) before any catalog file is written; a chart naming a
// column the published files do not have is left out and reported (the dataset's schema may have changed).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PublisherError } from '../../core/errors.js';
import type { CatalogDataset } from '../catalog/model.js';

/** `lines`: top N series; `stacked`: top N plus the rest, absolute; `share`: top N plus the rest, % of the period. */
export type ChartKind = 'lines' | 'stacked' | 'share';
export type ChartPeriod = 'day' | 'week' | 'quarter';

export interface ChartSpec {
  title: string;
  kind: ChartKind;
  per: ChartPeriod;
  /** Columns whose values, joined by a space, name a series. */
  dimension: string[];
  top: number;
  /** What the measure counts, for the axis title: "invocations", "installations". */
  unit: string;
  /** Only rows whose column holds one of these values (e.g. a feature flag's `yes`). */
  where?: Record<string, string[]>;
}

export interface DatasetCharts {
  time: string;
  measure: string;
  charts: ChartSpec[];
  /** Charts left out because a column they name is not in the published files (a test's or an older schema). */
  skipped: string[];
}

const KINDS: readonly ChartKind[] = ['lines', 'stacked', 'share'];
const PERIODS: readonly ChartPeriod[] = ['day', 'week', 'quarter'];
const KEYS = new Set(['title', 'kind', 'per', 'dimension', 'top', 'unit', 'where']);

export async function loadDatasetCharts(queriesDir: string, dataset: CatalogDataset): Promise<DatasetCharts> {
  const path = join(queriesDir, dataset.name, 'charts.json');
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new PublisherError('E_CONFIG', `${path} cannot be read: ${error.message}`, { cause: error });
  });
  const columns = dataset.quarters[dataset.quarters.length - 1]!.columns;
  const time = columns[0]!;
  const measure = columns.find((column) => column.type === 'integer' && column !== time);
  if (!measure) throw new PublisherError('E_CONFIG', `dataset ${dataset.name} has no integer column to chart`);
  const base = { time: time.name, measure: measure.name };
  const dimensions = columns.filter((column) => column !== time && column !== measure).map((column) => column.name);
  if (text === undefined) {
    const per: ChartPeriod = time.type === 'date' ? 'day' : 'quarter';
    const first = dimensions[0];
    if (!first) return { ...base, charts: [], skipped: [] };
    const title = `${measure.name} per ${per}, top 10 values of ${first}`;
    return {
      ...base,
      charts: [{ title, kind: 'lines', per, dimension: [first], top: 10, unit: measure.name }],
      skipped: [],
    };
  }
  const fail = (problem: string): never => {
    throw new PublisherError('E_CONFIG', `${path}: ${problem}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`invalid JSON: ${(error as Error).message}`);
  }
  const charts = (raw as { charts?: unknown }).charts;
  if (!Array.isArray(charts)) return fail('`charts` must be an array');
  const skipped: string[] = [];
  const parsed = charts.map((entry, index): ChartSpec | undefined => {
    const at = `charts[${index}]`;
    const chart = entry as Record<string, unknown>;
    for (const key of Object.keys(chart)) if (!KEYS.has(key)) fail(`${at}: unknown key \`${key}\``);
    if (typeof chart.title !== 'string' || chart.title === '') fail(`${at}.title must be a non-empty string`);
    if (!KINDS.includes(chart.kind as ChartKind)) fail(`${at}.kind must be one of ${KINDS.join(', ')}`);
    if (!PERIODS.includes(chart.per as ChartPeriod)) fail(`${at}.per must be one of ${PERIODS.join(', ')}`);
    if (chart.per !== 'quarter' && time.type !== 'date')
      fail(`${at}.per ${chart.per} needs a date time column; ${time.name} is ${time.type}`);
    const dimension = chart.dimension;
    if (!Array.isArray(dimension) || dimension.length === 0) fail(`${at}.dimension must be a list of columns`);
    const where = (chart.where ?? {}) as Record<string, unknown>;
    for (const column of [...(dimension as unknown[]), ...Object.keys(where)])
      if (typeof column !== 'string') fail(`${at}: columns must be strings, got ${JSON.stringify(column)}`);
    for (const [column, values] of Object.entries(where))
      if (!Array.isArray(values) || values.some((value) => typeof value !== 'string'))
        fail(`${at}.where.${column} must be a list of strings`);
    const top = chart.top ?? 10;
    if (!Number.isInteger(top) || (top as number) < 1 || (top as number) > 20) fail(`${at}.top must be 1 to 20`);
    const missing = [...(dimension as string[]), ...Object.keys(where)].filter(
      (column) => !dimensions.includes(column),
    );
    if (missing.length > 0) {
      skipped.push(
        `${path} ${at} (${chart.title}): ${missing.join(', ')} not among the published dimensions of ${dataset.name} (${dimensions.join(', ')})`,
      );
      return undefined;
    }
    return {
      title: chart.title as string,
      kind: chart.kind as ChartKind,
      per: chart.per as ChartPeriod,
      dimension: dimension as string[],
      top: top as number,
      unit: typeof chart.unit === 'string' ? chart.unit : measure.name,
      ...(chart.where ? { where: where as Record<string, string[]> } : {}),
    };
  });
  return { ...base, charts: parsed.filter((chart) => chart !== undefined), skipped };
}
