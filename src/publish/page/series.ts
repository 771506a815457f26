// The numbers behind the charts: each published TSV of a dataset read with DuckDB and reduced to a small
// series (sum of the measure by period and series). Only published rows go in, and sums of them come
// out, so a chart shows nothing a reader could not compute from the files it links.
import { type Duck, openDuck, quotedIdentifier, quotedString } from '../../engine/duck.js';
import type { ChartSpec, DatasetCharts } from './charts-config.js';

/** The label of the series that sums every value outside the top N (parentheses: no published label has them). */
export const REST_LABEL = '(all others)';

export interface SeriesPoint {
  period: string;
  series: string;
  value: number;
}

export interface ChartSeries {
  chart: ChartSpec;
  /** Series in legend order: by total over the charted period, largest first; the rest last. */
  series: string[];
  periods: string[];
  points: SeriesPoint[];
  /** Per period, the sum over every series shown (shares are of this). */
  totals: Map<string, number>;
}

/** One DuckDB for all the datasets of a page; the caller closes it. */
export function openSeriesDuck(): Promise<Duck> {
  return openDuck();
}

export async function datasetSeries(duck: Duck, tsvPaths: string[], config: DatasetCharts): Promise<ChartSeries[]> {
  if (tsvPaths.length === 0 || config.charts.length === 0) return [];
  await duck.run(
    `CREATE OR REPLACE TEMP TABLE page_rows AS SELECT * FROM read_csv([${tsvPaths.map(quotedString).join(', ')}],
       delim = '\t', quote = '', escape = '', header = true, all_varchar = true, union_by_name = true)`,
  );
  const result: ChartSeries[] = [];
  for (const chart of config.charts) result.push(await chartSeries(duck, config, chart));
  return result;
}

function periodSql(config: DatasetCharts, chart: ChartSpec, timeIsDate: boolean): string {
  const time = quotedIdentifier(config.time);
  if (!timeIsDate) return time;
  const day = `CAST(${time} AS DATE)`;
  if (chart.per === 'day') return `strftime(${day}, '%Y-%m-%d')`;
  // ISO weeks start on Monday; the period is named by its Monday.
  if (chart.per === 'week') return `strftime(date_trunc('week', ${day}), '%Y-%m-%d')`;
  return `strftime(${day}, '%Y') || '-Q' || quarter(${day})`;
}

async function chartSeries(duck: Duck, config: DatasetCharts, chart: ChartSpec): Promise<ChartSeries> {
  const [probe] = await duck.all<{ is_date: boolean }>(
    `SELECT bool_and(TRY_CAST(${quotedIdentifier(config.time)} AS DATE) IS NOT NULL) AS is_date FROM page_rows`,
  );
  const label = `concat_ws(' ', ${chart.dimension.map(quotedIdentifier).join(', ')})`;
  const filters = Object.entries(chart.where ?? {}).map(
    ([column, values]) => `${quotedIdentifier(column)} IN (${values.map(quotedString).join(', ')})`,
  );
  const keepRest = chart.kind !== 'lines';
  const rows = await duck.all<{ period: string; series: string; value: string; rank: number }>(
    `WITH base AS (
       SELECT ${periodSql(config, chart, probe?.is_date === true)} AS period, ${label} AS label,
              sum(CAST(${quotedIdentifier(config.measure)} AS BIGINT)) AS value
       FROM page_rows ${filters.length > 0 ? `WHERE ${filters.join(' AND ')}` : ''} GROUP BY ALL),
     ranked AS (
       SELECT label, row_number() OVER (ORDER BY sum(value) DESC, label) AS rank FROM base GROUP BY label),
     named AS (
       SELECT period, CASE WHEN rank <= $top THEN label ELSE $rest END AS series,
              CASE WHEN rank <= $top THEN rank ELSE $top + 1 END AS rank, value
       FROM base JOIN ranked USING (label))
     SELECT period, series, min(rank) AS rank, CAST(sum(value) AS VARCHAR) AS value
     FROM named ${keepRest ? '' : 'WHERE rank <= $top'} GROUP BY period, series ORDER BY period, rank`,
    { top: chart.top, rest: REST_LABEL },
  );
  const periods = [...new Set(rows.map((row) => row.period))].sort();
  const order = new Map<string, number>();
  for (const row of rows) order.set(row.series, Number(row.rank));
  const series = [...order.keys()].sort((a, b) => order.get(a)! - order.get(b)!);
  const found = new Map(rows.map((row) => [`${row.period}\t${row.series}`, Number(row.value)]));
  // A series with no published row in a period has 0 there (drawn, so a line does not bridge the gap).
  const points = periods.flatMap((period) =>
    series.map((name) => ({ period, series: name, value: found.get(`${period}\t${name}`) ?? 0 })),
  );
  const totals = new Map<string, number>();
  for (const point of points) totals.set(point.period, (totals.get(point.period) ?? 0) + point.value);
  return { chart, series, periods, points, totals };
}
