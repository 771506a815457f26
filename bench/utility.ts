// The utility benchmark: a fixed set of researcher questions answered twice, from the raw archive (the
// truth: every production command event, no privacy, no cap) and from the published TSVs only, and the
// error between the two. Published tables are every `<dataset>-<year>-q<quarter>.tsv` in the target whose
// dataset folder is in queries/ and which has the day column and Occurrences (cli-usage and any family of
// linked tables beside it); each question is answered by whichever table answers it best. The naive
// "drop cells under k" cube (day x every dimension, capped like the job) is answered the same way as the
// baseline, and so is the ideal daily release (createIdealTables): what the data allows any daily table
// at k, the floor under the error of the published files. Figures per question:
// - attributable: share of the truth's measure the table attributes to exact values (not Other, not a
//   generalised label: a value the truth has);
// - error: the largest absolute difference between the truth's share and the table's share, in
//   percentage points, over every (period, value) the table gives exactly: a value it leaves in Other
//   is a missing answer, counted by attributable, not a share of 0 (daily totals: the largest relative
//   error of a day, in percent). Shares are of the period's (and group's) total, Other included.
// It also measures what each choice of contribution caps (per row, per machine and day) costs on the raw
// events, in the family table it removes most from.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { appendRows, type Duck, quotedIdentifier as id, quotedString } from '../src/engine/duck.js';
import { placeOfPrefix } from '../src/ingest/geo.js';

export const DIMENSIONS = ['Command', 'Geography', 'OSFamily', 'RuntimeID', 'OSVersion', 'SDKVersion'] as const;
const WEEKLY = ['SDKVersion', 'OSVersion', 'RuntimeID', 'Command', 'Geography'] as const;

export interface QuestionResult {
  question: string;
  /** The table that answered best (largest attributable share). */
  table: string;
  /** Share (0..1) of the truth's measure attributed to exact values. */
  attributable: number;
  /** Largest absolute error in percentage points (daily totals: largest relative error of a day, in %). */
  error: number;
}

/**
 * Loads the archive's production command events of the days `first`..`last` (YYYY-MM-DD, UTC) as
 * `truth_events` (day, dimensions, machine) in `duck`.
 */
export async function loadTruth(duck: Duck, archive: string, first: string, last: string): Promise<void> {
  const files: string[] = [];
  for (const day of (await readdir(archive)).filter((name) => name.startsWith('date=')).sort()) {
    for (const name of (await readdir(join(archive, day))).sort()) files.push(join(archive, day, name));
  }
  const parquet = files.filter((file) => file.endsWith('.parquet'));
  const json = files.filter((file) => /\.(ndjson|jsonl)(\.gz)?$/.test(file));
  const columns = `{timestamp: 'VARCHAR', machine_id: 'VARCHAR', event: 'VARCHAR', command: 'VARCHAR', os_family: 'VARCHAR', os_version: 'VARCHAR', runtime_id: 'VARCHAR', sdk_version: 'VARCHAR', ip_prefix: 'VARCHAR', environment: 'VARCHAR'}`;
  const list = (some: string[]) => `[${some.map(quotedString).join(', ')}]`;
  const sources = [
    ...(parquet.length
      ? [
          `SELECT timestamp::VARCHAR AS timestamp, machine_id::VARCHAR AS machine_id, event::VARCHAR AS event, command, os_family, os_version, runtime_id, sdk_version, ip_prefix, environment FROM read_parquet(${list(parquet)}, union_by_name = true, hive_partitioning = false)`,
        ]
      : []),
    ...(json.length
      ? [
          `SELECT timestamp, machine_id, event, command, os_family, os_version, runtime_id, sdk_version, ip_prefix, environment FROM read_json(${list(json)}, format = 'newline_delimited', columns = ${columns}, ignore_errors = true)`,
        ]
      : []),
  ];
  await duck.run(
    `CREATE OR REPLACE TABLE truth_raw AS SELECT CAST(timezone('UTC', TRY_CAST("timestamp" AS TIMESTAMPTZ)) AS DATE) AS day, machine_id, command, os_family, os_version, runtime_id, sdk_version, ip_prefix
     FROM (${sources.join(' UNION ALL ')}) WHERE environment = 'production' AND coalesce(event, 'command') = 'command' AND machine_id IS NOT NULL AND TRY_CAST("timestamp" AS TIMESTAMPTZ) IS NOT NULL`,
  );
  await duck.run(
    `DELETE FROM truth_raw WHERE day IS NULL OR day NOT BETWEEN DATE ${quotedString(first)} AND DATE ${quotedString(last)}`,
  );
  const prefixes = await duck.all<{ ip_prefix: string }>(
    'SELECT DISTINCT ip_prefix FROM truth_raw WHERE ip_prefix IS NOT NULL',
  );
  await duck.run('CREATE OR REPLACE TABLE truth_geo (ip_prefix VARCHAR, country VARCHAR)');
  const rows: string[][] = [];
  for (const { ip_prefix } of prefixes) rows.push([ip_prefix, (await placeOfPrefix(ip_prefix)).country]);
  await appendRows(duck, 'truth_geo', rows);
  await duck.run(`CREATE OR REPLACE TABLE truth_events AS
    SELECT day AS "Timestamp", coalesce(command, 'Unknown') AS "Command", coalesce(g.country, 'Unknown') AS "Geography",
           coalesce(os_family, 'Unknown') AS "OSFamily", coalesce(runtime_id, 'Unknown') AS "RuntimeID",
           coalesce(os_version, 'Unknown') AS "OSVersion", coalesce(sdk_version, 'Unknown') AS "SDKVersion", machine_id
    FROM truth_raw LEFT JOIN truth_geo g USING (ip_prefix)`);
}

/** The naive baseline as a table like a published one: day x every dimension, cells under k dropped. */
export async function createBaseline(duck: Duck, k: number, cap: number): Promise<string> {
  const dims = DIMENSIONS.map((name) => id(name)).join(', ');
  await duck.run(`CREATE OR REPLACE TABLE baseline AS
    SELECT "Timestamp", ${dims}, sum(least(n, ${cap}))::BIGINT AS "Occurrences"
    FROM (SELECT "Timestamp", ${dims}, machine_id, count(*) AS n FROM truth_events GROUP BY ALL)
    GROUP BY ALL HAVING count(*) >= ${k}`);
  return 'baseline';
}

/**
 * What no daily table at k can beat, per question: for each question's own grain (day x the asked
 * dimension, or day x country x OSFamily), a table holding every cell of at least k machines exactly and
 * uncapped, the rest of the day in Other (the asked value's; a group keeps its name). Answered like the
 * published files, it gives the error that is the data's, not the method's: events of a value that
 * rest on fewer than k machines on their day can reach no daily release.
 */
export async function createIdealTables(duck: Duck, k: number): Promise<string[]> {
  const grains = [...WEEKLY.map((dimension) => [dimension]), ['Geography', 'OSFamily']];
  const tables: string[] = [];
  for (const grain of grains) {
    const table = `ideal_${tables.length}`;
    const asked = id(grain.at(-1)!);
    const groups = grain.slice(0, -1).map((column) => `${id(column)}, `);
    await duck.run(`CREATE OR REPLACE TABLE ${id(table)} AS
      SELECT "Timestamp", ${groups.join('')}CASE WHEN machines >= ${k} THEN ${asked} ELSE 'Other' END AS ${asked},
             sum(n)::BIGINT AS "Occurrences"
      FROM (SELECT "Timestamp", ${grain.map((column) => id(column)).join(', ')}, count(DISTINCT machine_id) AS machines,
                   count(*) AS n
            FROM truth_events GROUP BY ALL)
      GROUP BY ALL`);
    await duck.run(`COMMENT ON TABLE ${id(table)} IS ${quotedString(`day x ${grain.join(' x ')}, ideal`)}`);
    tables.push(table);
  }
  return tables;
}

/** Every published `<dataset>-<year>-q<quarter>.tsv` of a dataset in queries/ with a day column and Occurrences. */
export async function loadPublished(duck: Duck, target: string, datasets: readonly string[]): Promise<string[]> {
  const tables: string[] = [];
  for (const name of (await readdir(target)).sort()) {
    const match = /^([a-z][a-z0-9-]*)-\d{4}-q[1-4]\.tsv$/.exec(name);
    if (!match || !datasets.includes(match[1]!)) continue;
    const table = `published_${tables.length}`;
    await duck.run(
      `CREATE OR REPLACE TABLE ${id(table)} AS SELECT * FROM read_csv(${quotedString(join(target, name))}, delim = '\t', quote = '', header = true, all_varchar = true)`,
    );
    const columns = (
      await duck.all<{ name: string }>(`SELECT name FROM pragma_table_info(${quotedString(table)})`)
    ).map((row) => row.name);
    if (!columns.includes('Timestamp') || !columns.includes('Occurrences')) continue;
    await duck.run(`COMMENT ON TABLE ${id(table)} IS ${quotedString(name)}`);
    tables.push(table);
  }
  return tables;
}

async function columnsOf(duck: Duck, table: string): Promise<string[]> {
  return (await duck.all<{ name: string }>(`SELECT name FROM pragma_table_info(${quotedString(table)})`)).map(
    (row) => row.name,
  );
}

/**
 * One question's figures for one table: `period` is the SQL of the period from "Timestamp" (a DATE), `by`
 * the dimensions whose joint value is asked (a share within each period and, for `within`, each value
 * of those dimensions).
 */
async function shareQuestion(
  duck: Duck,
  table: string,
  period: string,
  by: readonly string[],
  within: readonly string[] = [],
): Promise<{ attributable: number; error: number } | null> {
  const columns = await columnsOf(duck, table);
  if ([...by, ...within].some((column) => !columns.includes(column))) return null;
  const keys = [...within, ...by].map((column) => id(column));
  const groups = within.map((column) => id(column));
  // A published value is exact when the truth has it for that column (so not Other, not `8.0`).
  const exact = [...within, ...by]
    .map((column) => `${id(column)} IN (SELECT DISTINCT ${id(column)} FROM truth_events)`)
    .join(' AND ');
  const [row] = await duck.all<{ attributable: number | null; error: number | null }>(`
    WITH truth AS (
      SELECT ${period} AS _period, ${keys.join(', ')}, count(*)::DOUBLE AS _n FROM truth_events GROUP BY ALL),
    published AS (
      SELECT ${period.replaceAll('"Timestamp"', '"Timestamp"::DATE')} AS _period, ${keys.join(', ')}, sum("Occurrences"::BIGINT)::DOUBLE AS _n,
             bool_and(${exact}) AS _exact
      FROM ${id(table)} GROUP BY ALL),
    truth_share AS (
      SELECT *, _n / sum(_n) OVER (PARTITION BY _period${groups.map((g) => `, ${g}`).join('')}) AS _share FROM truth),
    published_share AS (
      SELECT *, _n / sum(_n) OVER (PARTITION BY _period${groups.map((g) => `, ${g}`).join('')}) AS _share FROM published)
    SELECT
      (SELECT coalesce(sum(_n), 0) FROM published WHERE _exact) / (SELECT sum(_n) FROM truth) AS attributable,
      coalesce(max(abs(t._share - p._share)) * 100, 0) AS error
    FROM truth_share t JOIN published_share p ON p._period = t._period ${keys.map((key) => `AND p.${key} = t.${key}`).join(' ')}
    WHERE p._exact`);
  return { attributable: Number(row?.attributable ?? 0), error: Number(row?.error ?? 0) };
}

/** Daily totals: attributable is the published share of the truth; error the largest relative error of a day (%). */
async function dailyTotals(duck: Duck, table: string): Promise<{ attributable: number; error: number }> {
  const [row] = await duck.all<{ attributable: number; error: number }>(`
    WITH truth AS (SELECT "Timestamp" AS day, count(*)::DOUBLE AS n FROM truth_events GROUP BY 1),
    published AS (SELECT "Timestamp"::DATE AS day, sum("Occurrences"::BIGINT)::DOUBLE AS n FROM ${id(table)} GROUP BY 1)
    SELECT (SELECT sum(n) FROM published) / (SELECT sum(n) FROM truth) AS attributable,
           max(abs(t.n - coalesce(p.n, 0)) / t.n) * 100 AS error
    FROM truth t LEFT JOIN published p USING (day)`);
  return { attributable: Number(row?.attributable ?? 0), error: Number(row?.error ?? 0) };
}

/** Top 10 commands per day: attributable = share of the truth's top-10 commands found in the table's top 10. */
async function topCommands(duck: Duck, table: string): Promise<{ attributable: number; error: number } | null> {
  if (!(await columnsOf(duck, table)).includes('Command')) return null;
  const [row] = await duck.all<{ attributable: number; error: number }>(`
    WITH truth AS (SELECT "Timestamp" AS day, "Command", count(*)::DOUBLE AS n FROM truth_events GROUP BY ALL),
    published AS (SELECT "Timestamp"::DATE AS day, "Command", sum("Occurrences"::BIGINT)::DOUBLE AS n FROM ${id(table)}
                  WHERE "Command" IN (SELECT DISTINCT "Command" FROM truth_events) GROUP BY ALL),
    truth_top AS (SELECT * FROM truth QUALIFY row_number() OVER (PARTITION BY day ORDER BY n DESC, "Command") <= 10),
    published_top AS (SELECT * FROM published QUALIFY row_number() OVER (PARTITION BY day ORDER BY n DESC, "Command") <= 10),
    truth_day AS (SELECT day, sum(n) AS total FROM truth GROUP BY 1),
    published_day AS (SELECT "Timestamp"::DATE AS day, sum("Occurrences"::BIGINT)::DOUBLE AS total FROM ${id(table)} GROUP BY 1)
    SELECT count(p."Command")::DOUBLE / count(*) AS attributable,
           max(abs(t.n / td.total - coalesce(p.n / pd.total, 0))) * 100 AS error
    FROM truth_top t JOIN truth_day td USING (day)
    LEFT JOIN published_top p ON p.day = t.day AND p."Command" = t."Command"
    LEFT JOIN published_day pd ON pd.day = t.day`);
  return { attributable: Number(row?.attributable ?? 0), error: Number(row?.error ?? 0) };
}

const ISO_WEEK = `strftime("Timestamp", '%G-W%V')`;
const MONTH = `strftime("Timestamp", '%Y-%m')`;

/** Every question answered from each table; per question the table that attributes the most. */
export async function answerQuestions(duck: Duck, tables: readonly string[]): Promise<QuestionResult[]> {
  const questions: Array<{
    question: string;
    answer: (table: string) => Promise<{ attributable: number; error: number } | null>;
  }> = [
    ...WEEKLY.map((dimension) => ({
      question: `${dimension} share per ISO week`,
      answer: (table: string) => shareQuestion(duck, table, ISO_WEEK, [dimension]),
    })),
    { question: 'top 10 commands per day', answer: (table: string) => topCommands(duck, table) },
    {
      question: 'OSFamily share per country per month',
      answer: (table: string) => shareQuestion(duck, table, MONTH, ['OSFamily'], ['Geography']),
    },
    { question: 'daily total invocations', answer: (table: string) => dailyTotals(duck, table) },
  ];
  const results: QuestionResult[] = [];
  for (const { question, answer } of questions) {
    let best: QuestionResult | null = null;
    for (const table of tables) {
      const figures = await answer(table);
      if (figures && (best === null || figures.attributable > best.attributable))
        best = { question, table: await tableName(duck, table), ...figures };
    }
    results.push(best ?? { question, table: '-', attributable: 0, error: Number.NaN });
  }
  return results;
}

async function tableName(duck: Duck, table: string): Promise<string> {
  const [row] = await duck.all<{ comment: string | null }>(
    `SELECT comment FROM duckdb_tables() WHERE table_name = ${quotedString(table)}`,
  );
  return row?.comment ?? table;
}

export interface CapChoice {
  /** Events one machine may add to a row. */
  rowCap: number;
  /** Events one machine may add to a table on one day (scaled as the job does); null: no daily bound. */
  dailyCap: number | null;
}

export interface CapCost extends CapChoice {
  /** Share (0..1) of the truth's events the choice removes, in the table it removes most from. */
  share: number;
  /** That table's dimensions. */
  worstGrain: readonly string[];
}

/**
 * What each choice of caps removes from the truth, applied as the job applies them (the daily bound
 * scales a machine's day first, then each row is capped) in every table of the family: `grains` are
 * the tables' dimensions. A coarse table loses most, since a machine's whole day can be one of its
 * rows; the worst table is what a choice costs.
 */
export async function capCosts(
  duck: Duck,
  grains: ReadonlyArray<readonly string[]>,
  choices: readonly CapChoice[],
): Promise<CapCost[]> {
  const dims = DIMENSIONS.map((name) => id(name)).join(', ');
  await duck.run(`CREATE OR REPLACE TEMP TABLE cap_facts AS
    SELECT *, sum(n) OVER (PARTITION BY "Timestamp", machine_id)::BIGINT AS day_total
    FROM (SELECT "Timestamp", ${dims}, machine_id, count(*)::BIGINT AS n FROM truth_events GROUP BY ALL)`);
  const [total] = await duck.all<{ n: string }>('SELECT sum(n)::BIGINT AS n FROM cap_facts');
  const all = Number(total?.n ?? 0);
  const costs: CapCost[] = [];
  for (const choice of choices) {
    const bounded =
      choice.dailyCap === null
        ? 'n'
        : `CASE WHEN day_total > ${choice.dailyCap} THEN (n * ${choice.dailyCap}) // day_total ELSE n END`;
    let worst: CapCost = { ...choice, share: 0, worstGrain: [] };
    for (const grain of grains) {
      const keys = ['Timestamp', 'machine_id', ...grain].map((column) => id(column)).join(', ');
      const [row] = await duck.all<{ kept: string }>(
        `SELECT sum(least(s, ${choice.rowCap}))::BIGINT AS kept FROM (SELECT sum(${bounded}) AS s FROM cap_facts GROUP BY ${keys})`,
      );
      const share = all === 0 ? 0 : 1 - Number(row?.kept ?? 0) / all;
      if (share > worst.share) worst = { ...choice, share, worstGrain: grain };
    }
    costs.push(worst);
  }
  return costs;
}

/** The table printed by `npm run bench`: each question, published next to the baseline. */
export function formatUtility(
  published: readonly QuestionResult[],
  baseline: readonly QuestionResult[],
  ideal: readonly QuestionResult[],
): string {
  const pct = (value: number) => `${(100 * value).toFixed(2)}%`.padStart(8);
  const pp = (value: number, daily: boolean) =>
    Number.isNaN(value) ? '       -' : `${value.toFixed(2)}${daily ? '%' : 'pp'}`.padStart(8);
  const lines = [
    `  ${'question'.padEnd(38)} ${'published: attributable, error, table'.padEnd(58)} ${'baseline (drop under k)'.padEnd(18)} ideal daily table at k (no cap)`,
  ];
  for (const [index, result] of published.entries()) {
    const base = baseline[index]!;
    const best = ideal[index]!;
    const daily = result.question.startsWith('daily');
    lines.push(
      `  ${result.question.padEnd(38)} ${pct(result.attributable)} ${pp(result.error, daily)}  ${result.table.padEnd(38)} ${pct(base.attributable)} ${pp(base.error, daily)}  ${pct(best.attributable)} ${pp(best.error, daily)}`,
    );
  }
  return lines.join('\n');
}
