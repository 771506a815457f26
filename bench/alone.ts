// DuckDB alone computing what the job publishes: the bare aggregation the benchmarks hold the job to
// (npm run bench for the family's 10M quarter, npm run bench:scale for the 50M one).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { appendRows, openDuck, quotedString } from '../src/engine/duck.js';
import { placeOfPrefix } from '../src/ingest/geo.js';
import { type DatasetDefinition, loadDataset } from '../src/query/dataset.js';
import { populationCompanions } from '../src/query/population.js';

/** The cube and every table of its population (the cli-usage family): what the bench publishes. */
export async function familyOfCube(): Promise<DatasetDefinition[]> {
  const cube = await loadDataset('cli-usage');
  return [cube, ...(await populationCompanions([cube]))];
}

/** The archive's column behind each published dimension, for DuckDB alone. */
const ARCHIVE_COLUMN: Record<string, string> = {
  Command: 'command',
  Geography: 'country',
  OSFamily: 'os_family',
  RuntimeID: 'runtime_id',
  OSVersion: 'os_version',
  SDKVersion: 'sdk_version',
};

/**
 * The same aggregation with DuckDB alone: read, keep production, each table of the family (the day x
 * dimensions cube and the small tables) with exact distinct machines, each written as TSV.
 */
export async function duckdbAlone(
  archive: string,
  format: 'parquet' | 'ndjson.gz',
  tables: readonly DatasetDefinition[],
  /** `scratch`: the folder of its spill and TSV files; `k` and `cap` as the job's. */
  options: { scratch: string; k: number; cap: number },
): Promise<{ seconds: number; maxRssMiB: number; baselineDetail: number; total: number }> {
  const { scratch, k: K, cap: CAP } = options;
  const files: string[] = [];
  for (const day of (await readdir(archive)).filter((name) => name.startsWith('date=')).sort()) {
    for (const name of (await readdir(join(archive, day))).sort()) files.push(join(archive, day, name));
  }
  const started = performance.now();
  const duck = await openDuck({ tempDirectory: join(scratch, 'alone') });
  try {
    const list = `[${files.map(quotedString).join(', ')}]`;
    const source =
      format === 'parquet'
        ? `read_parquet(${list}, union_by_name = true, hive_partitioning = false)`
        : `read_json(${list}, format = 'newline_delimited', columns = {timestamp: 'VARCHAR', machine_id: 'VARCHAR', event: 'VARCHAR', command: 'VARCHAR', os_family: 'VARCHAR', os_version: 'VARCHAR', runtime_id: 'VARCHAR', sdk_version: 'VARCHAR', ip_prefix: 'VARCHAR', environment: 'VARCHAR'})`;
    await duck.run(
      `CREATE TABLE e AS SELECT CAST(timezone('UTC', CAST("timestamp" AS TIMESTAMPTZ)) AS DATE) AS day, machine_id, command, os_family, os_version, runtime_id, sdk_version, ip_prefix FROM ${source} WHERE environment = 'production' AND coalesce(event, 'command') = 'command'`,
    );
    const prefixes = await duck.all<{ ip_prefix: string }>(
      'SELECT DISTINCT ip_prefix FROM e WHERE ip_prefix IS NOT NULL',
    );
    await duck.run('CREATE TABLE g (ip_prefix VARCHAR, country VARCHAR)');
    const rows: string[][] = [];
    for (const { ip_prefix } of prefixes) rows.push([ip_prefix, (await placeOfPrefix(ip_prefix)).country]);
    await appendRows(duck, 'g', rows);
    await duck.run(
      "CREATE TABLE eg AS SELECT e.* EXCLUDE (ip_prefix), coalesce(g.country, 'Unknown') AS country FROM e LEFT JOIN g USING (ip_prefix)",
    );
    for (const table of tables) {
      const columns = table.dimensions.map((dimension) => ARCHIVE_COLUMN[dimension.column]!).join(', ');
      const name = table.name === 'cli-usage' ? 'cube' : `t_${table.name.replaceAll('-', '_')}`;
      // Aggregate to (cell, machine) first, then count: the fast form of an exact distinct-machine table.
      await duck.run(`CREATE TABLE ${name} AS
        SELECT day, ${columns}, count(*) AS machines, sum(least(n, ${CAP})) AS occurrences
        FROM (SELECT day, ${columns}, machine_id, count(*) AS n FROM eg GROUP BY ALL)
        GROUP BY ALL`);
      await duck.run(
        `COPY (SELECT * FROM ${name} WHERE machines >= ${K} ORDER BY ALL) TO ${quotedString(join(scratch, `alone-${table.name}.tsv`))} (FORMAT csv, DELIMITER E'\\t', HEADER true)`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const [row] = await duck.all<{ kept: string; total: string }>(
      `SELECT sum(occurrences) FILTER (WHERE machines >= ${K})::BIGINT AS kept, sum(occurrences)::BIGINT AS total FROM cube`,
    );
    return {
      seconds,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      baselineDetail: Number(row?.kept),
      total: Number(row?.total),
    };
  } finally {
    duck.close();
  }
}
