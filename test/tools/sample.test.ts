import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, quotedString } from '@duckdb/node-api';
import { isPublisherError } from '../../src/core/errors.js';
import { createMemoryLogger } from '../../src/core/log.js';
import {
  type SampleOptions,
  type SampleSummary,
  writeBenchQuarter,
  writeSampleArchive,
} from '../../tools/sample/generate.js';
import { PLANTED } from '../../tools/sample/vocabulary.js';
import { describe, expect, it, test } from '../helpers/fixtures.js';
import { sha256 } from '../helpers/hash.js';

/**
 * The synthetic archive, read back with a real DuckDB and checked against the archive contract: layout,
 * formats, timestamps inside their day folder, bad lines of each kind, snapshots, geography, planted values.
 * The checks are written here independently of the publisher's ingest.
 */

const require = createRequire(import.meta.url);
const IPV4_TABLE = require.resolve('@ip-location-db/geo-whois-asn-country/geo-whois-asn-country-ipv4.csv');

const OPTIONS: Omit<SampleOptions, 'out'> = {
  seed: 7,
  endQuarter: { year: 2026, quarter: 2 },
  quarters: 2,
  commandEvents: 30_000,
  installations: 40,
  now: new Date('2026-07-20T09:30:00Z'),
};
const FULL_QUARTERS = ['2026-01-01', '2026-06-30'];
const PARTIAL = { first: '2026-07-01', last: '2026-07-19' };

let root: string;
let archive: string;
let summary: SampleSummary;
let instance: DuckDBInstance;
let db: DuckDBConnection;

async function rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJson() as T[];
}

async function one<T = Record<string, unknown>>(sql: string): Promise<T> {
  const [row] = await rows<T>(sql);
  return row!;
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
    .sort();
}

async function hashes(folder: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const file of await listFiles(folder)) {
    result[file] = sha256(await readFile(join(folder, file)));
  }
  return result;
}

const sqlList = (values: readonly string[]) => `[${values.map(quotedString).join(', ')}]`;

/**
 * Loads the archive into `lines` (NDJSON text, classified like the contract says), `parquet_rows`, and
 * `good` (every valid event of both, with its folder's day).
 */
async function loadArchive(folder: string): Promise<void> {
  const files = (await listFiles(folder)).map((file) => join(folder, file));
  const json = files.filter((file) => /\.ndjson(\.gz)?$/.test(file));
  const parquet = files.filter((file) => file.endsWith('.parquet'));
  await db.run(`
    CREATE OR REPLACE TABLE lines AS
    SELECT filename AS file, regexp_extract(filename, 'date=(\\d{4}-\\d{2}-\\d{2})', 1)::DATE AS day, line
    FROM read_csv(${sqlList(json)}, columns = {'line': 'VARCHAR'}, header = false, delim = E'\\x01', quote = '',
                  escape = '', auto_detect = false, filename = true);
    CREATE OR REPLACE TABLE classified AS
    WITH parsed AS (SELECT *, CASE WHEN json_valid(line) THEN line::JSON END AS j FROM lines)
    SELECT *, CASE
      WHEN j IS NULL THEN 'not_json'
      WHEN json_type(j, '$.machine_id') NOT IN ('VARCHAR') OR json_type(j, '$.exit_code') NOT IN ('BIGINT', 'UBIGINT')
        OR json_type(j, '$.is_container') NOT IN ('BOOLEAN') THEN 'wrong_type'
      WHEN j->>'timestamp' IS NULL THEN 'missing_timestamp'
      WHEN NOT regexp_matches(j->>'timestamp', '(Z|[+-]\\d\\d:\\d\\d)$') THEN 'invalid_timestamp'
      WHEN timezone('UTC', (j->>'timestamp')::TIMESTAMPTZ)::DATE <> day THEN 'timestamp_outside_day'
      WHEN j->>'machine_id' IS NULL THEN 'missing_machine_id'
    END AS reason
    FROM parsed;
    CREATE OR REPLACE TABLE parquet_rows AS
    SELECT filename AS file, regexp_extract(filename, 'date=(\\d{4}-\\d{2}-\\d{2})', 1)::DATE AS day, *
    FROM read_parquet(${sqlList(parquet)}, union_by_name = true, filename = true, hive_partitioning = false);
    CREATE OR REPLACE TABLE good AS
    SELECT file, day, (j->>'timestamp')::TIMESTAMPTZ AS ts, j->>'timestamp' AS ts_text, j->>'machine_id' AS machine_id,
      coalesce(j->>'event', 'command') AS event, j->>'command' AS command, j->>'os_family' AS os_family,
      j->>'os_version' AS os_version, j->>'runtime_id' AS runtime_id, j->>'sdk_version' AS sdk_version,
      j->>'ip_prefix' AS ip_prefix, j->>'environment' AS environment, (j->>'is_container')::BOOLEAN AS is_container,
      j->>'cwd_hash' AS cwd_hash, j->>'product' AS product, j->>'product_version' AS product_version,
      j->'metrics' AS metrics
    FROM classified WHERE reason IS NULL
    UNION ALL
    SELECT file, day, "timestamp", NULL, machine_id, coalesce(event, 'command'), command, os_family, os_version,
      runtime_id, sdk_version, ip_prefix, environment, is_container, cwd_hash, product, product_version,
      -- Files of two products unioned: drop the other product's (null) fields.
      json_merge_patch('{}', to_json(metrics))
    FROM parquet_rows;`);
}

/** Country code of each distinct IPv4 prefix, from the CC0 range table: a range must cover the whole /24. */
async function loadPrefixCountries(): Promise<void> {
  const ip = (column: string) =>
    `(split_part(${column}, '.', 1)::BIGINT * 16777216 + split_part(${column}, '.', 2)::BIGINT * 65536 +
      split_part(${column}, '.', 3)::BIGINT * 256 + split_part(${column}, '.', 4)::BIGINT)`;
  await db.run(`
    CREATE OR REPLACE TABLE ranges AS
    SELECT ${ip('first')} AS first, ${ip('last')} AS last, code
    FROM read_csv(${quotedString(IPV4_TABLE)}, columns = {'first': 'VARCHAR', 'last': 'VARCHAR', 'code': 'VARCHAR'}, header = false);
    CREATE OR REPLACE TABLE prefix_country AS
    WITH p AS (SELECT DISTINCT ip_prefix, ${ip("ip_prefix || '.0'")} AS first FROM good WHERE ip_prefix LIKE '%.%.%')
    SELECT p.ip_prefix, r.code FROM p LEFT JOIN ranges r ON r.first <= p.first AND p.first + 255 <= r.last;`);
}

test.beforeAll(async ({ fileTmp }) => {
  root = fileTmp;
  archive = join(root, 'a');
  const logger = createMemoryLogger();
  summary = await writeSampleArchive({ ...OPTIONS, out: archive, logger });
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await db.run(`SET TimeZone = 'UTC'`);
  await loadArchive(archive);
  await loadPrefixCountries();
});

test.afterAll(() => {
  db?.closeSync();
  instance?.closeSync();
});

describe('writeSampleArchive', () => {
  it('writes byte-identical archives for the same seed and options, and a different one for another seed', async () => {
    const again = join(root, 'again');
    await writeSampleArchive({ ...OPTIONS, out: again, logger: createMemoryLogger() });
    const [first, second] = await Promise.all([hashes(archive), hashes(again)]);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    expect(second).toEqual(first);

    const other = join(root, 'other');
    await writeSampleArchive({ ...OPTIONS, seed: 8, out: other, logger: createMemoryLogger() });
    expect(await hashes(other)).not.toEqual(first);
  });

  it('lays out day folders with files of all three formats, mixed across and within days', async () => {
    const files = await listFiles(archive);
    for (const file of files)
      expect(file).toMatch(/^date=\d{4}-\d{2}-\d{2}\/(commands-\d+|snapshots-[a-z-]+)\.(ndjson|ndjson\.gz|parquet)$/);
    const days = [...new Set(files.map((file) => file.slice(5, 15)))].sort();
    expect(days[0]).toBe(FULL_QUARTERS[0]);
    expect(days.at(-1)).toBe(PARTIAL.last);
    expect(days).toContain(FULL_QUARTERS[1]);
    expect(days).toContain(PARTIAL.first);
    expect(days).toHaveLength(181 + 19);

    const formatOf = (file: string) => /\.(ndjson\.gz|ndjson|parquet)$/.exec(file)![1];
    expect(new Set(files.map(formatOf))).toEqual(new Set(['ndjson', 'ndjson.gz', 'parquet']));
    const formatsByDay = new Map<string, Set<string>>();
    for (const file of files.filter((f) => f.includes('/commands-'))) {
      const day = file.slice(5, 15);
      formatsByDay.set(day, (formatsByDay.get(day) ?? new Set()).add(formatOf(file)!));
    }
    expect([...formatsByDay.values()].some((formats) => formats.size === 3)).toBe(true);
    expect([...formatsByDay.values()].filter((formats) => formats.size === 1).length).toBeGreaterThan(100);
    expect(summary.files).toBe(files.length);
    expect(summary.quarters).toEqual([
      { year: 2026, quarter: 1 },
      { year: 2026, quarter: 2 },
    ]);
  });

  it('counts in the summary what the files hold', async () => {
    const counts = await one<{ commands: string; snapshots: string; bad: string }>(`
      SELECT count(*) FILTER (WHERE event = 'command') AS commands, count(*) FILTER (WHERE event = 'snapshot') AS snapshots,
        (SELECT count(*) FROM classified WHERE reason IS NOT NULL) AS bad
      FROM good`);
    expect(Number(counts.commands)).toBe(summary.commandEvents);
    expect(Number(counts.snapshots)).toBe(summary.snapshotEvents);
    expect(Number(counts.bad)).toBe(summary.badLines);
    // Two complete quarters of 30 000 command events, and 19 of the 92 days of the third.
    expect(summary.commandEvents).toBe(60_000 + Math.round((30_000 * 19) / 92));
  });

  it('puts every good event inside the UTC day of its folder, with non-UTC offsets in NDJSON', async () => {
    const outside = await one<{ n: string }>(`SELECT count(*) AS n FROM good WHERE timezone('UTC', ts)::DATE <> day`);
    expect(outside.n).toBe('0');
    const offsets = await rows<{ offset: string }>(`
      SELECT DISTINCT regexp_extract(ts_text, '(Z|[+-]\\d\\d:\\d\\d)$', 1) AS "offset" FROM good WHERE ts_text IS NOT NULL`);
    const found = offsets.map((row) => row.offset);
    expect(found).toContain('Z');
    expect(found).toContain('+05:30');
    expect(found.filter((offset) => offset !== 'Z').length).toBeGreaterThan(10);
  });

  it('has events exactly on the quarters edges, some of them shown in another local day', async () => {
    const edges = await rows<{ ts_text: string }>(`
      SELECT ts_text FROM good
      WHERE ts IN (TIMESTAMPTZ '2026-01-01 00:00:00+00', TIMESTAMPTZ '2026-06-30 23:59:59.999+00', TIMESTAMPTZ '2026-07-01 00:00:00+00')
      ORDER BY ts_text`);
    const texts = edges.map((row) => row.ts_text);
    expect(texts).toContain('2026-01-01T00:00:00.000Z');
    expect(texts).toContain('2025-12-31T19:00:00.000-05:00');
    expect(texts).toContain('2026-06-30T23:59:59.999Z');
    expect(texts).toContain('2026-07-01T01:59:59.999+02:00');
    expect(texts).toContain('2026-07-01T00:00:00.000Z');
  });

  it('writes bad lines of every kind in each complete quarter', async () => {
    const kinds = await rows<{ quarter: string; reason: string; n: string }>(`
      SELECT quarter(day) AS quarter, reason, count(*) AS n FROM classified WHERE reason IS NOT NULL GROUP BY ALL ORDER BY ALL`);
    for (const quarter of [1, 2]) {
      const reasons = kinds.filter((row) => Number(row.quarter) === quarter).map((row) => row.reason);
      expect(reasons.sort()).toEqual(
        [
          'invalid_timestamp',
          'missing_machine_id',
          'missing_timestamp',
          'not_json',
          'timestamp_outside_day',
          'wrong_type',
        ].sort(),
      );
    }
    const wrongTypes = await rows<{ line: string }>(`SELECT line FROM classified WHERE reason = 'wrong_type'`);
    expect(wrongTypes.some((row) => row.line.includes('"exit_code":"zero"'))).toBe(true);
    expect(wrongTypes.some((row) => row.line.includes('"machine_id":12'))).toBe(true);
    // Bad lines sit in NDJSON files among good ones, gzipped or not.
    const files = await rows<{ file: string }>(`SELECT DISTINCT file FROM classified WHERE reason IS NOT NULL`);
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it('writes daily snapshots of two products with nested numeric and boolean metrics', async () => {
    const products = await rows<{ product: string; installations: string; versions: string; keys: string[] }>(`
      SELECT product, count(DISTINCT machine_id) AS installations, count(DISTINCT product_version) AS versions,
        list_sort(list_distinct(flatten(list(json_keys(metrics))))) AS keys
      FROM good WHERE event = 'snapshot' GROUP BY product ORDER BY product`);
    expect(products.map((p) => p.product)).toEqual(['eventstoredb', 'octopus-server']);
    expect(products[0]!.keys).toEqual(
      expect.arrayContaining([
        'core_count',
        'total_memory',
        'is_container',
        'is_kubernetes',
        'cluster_size',
        'projections_running',
        'persistent_subscriptions',
      ]),
    );
    expect(products[1]!.keys).toEqual(
      expect.arrayContaining(['projects', 'users', 'environments', 'machines', 'deployments_90d']),
    );
    const types = await rows<{ type: string }>(`
      SELECT DISTINCT json_type(metrics, '$."' || k || '"') AS type FROM good, unnest(json_keys(metrics)) t(k) WHERE event = 'snapshot'`);
    expect(types.map((t) => t.type)).toContain('BOOLEAN');
    for (const { type } of types) expect(['BOOLEAN', 'UBIGINT', 'BIGINT']).toContain(type);

    const perDay = await one<{ n: string }>(`
      SELECT count(*) AS n FROM (SELECT machine_id, day FROM good WHERE event = 'snapshot' GROUP BY ALL HAVING count(*) > 1)`);
    expect(perDay.n).toBe('0');
    const lives = await one<{ short: string; nonprod_only: string; upgraded: string }>(`
      SELECT count(*) FILTER (WHERE days <= 6) AS short, count(*) FILTER (WHERE envs = ['non-production']) AS nonprod_only,
        count(*) FILTER (WHERE versions > 1) AS upgraded
      FROM (
        SELECT machine_id, count(DISTINCT day) AS days, list_distinct(list(environment)) AS envs,
          count(DISTINCT product_version) AS versions
        FROM good WHERE event = 'snapshot' GROUP BY machine_id)`);
    expect(Number(lives.short)).toBeGreaterThan(0);
    expect(Number(lives.nonprod_only)).toBeGreaterThan(0);
    expect(Number(lives.upgraded)).toBeGreaterThan(0);
  });

  it('stores Parquet timestamps as TIMESTAMPTZ and snapshot metrics as a STRUCT', async () => {
    const files = (await listFiles(archive)).filter((file) => file.endsWith('.parquet'));
    const command = files.find((file) => file.includes('/commands-'))!;
    const snapshot = files.find((file) => file.includes('/snapshots-'))!;
    const types = async (file: string) =>
      Object.fromEntries(
        (
          await rows<{ column_name: string; column_type: string }>(
            `DESCRIBE SELECT * FROM read_parquet(${quotedString(join(archive, file))}, hive_partitioning = false)`,
          )
        ).map((row) => [row.column_name, row.column_type]),
      );
    expect(await types(command)).toMatchObject({
      timestamp: 'TIMESTAMP WITH TIME ZONE',
      machine_id: 'VARCHAR',
      exit_code: 'INTEGER',
      is_container: 'BOOLEAN',
    });
    expect((await types(snapshot)).metrics).toMatch(/^STRUCT\(/);
    expect(Object.keys(await types(command))).not.toContain('date');
  });

  it('looks like .NET CLI usage: Zipf-like machines and commands, stable machines, some upgrades', async () => {
    const commands = await rows<{ command: string; n: string }>(`
      SELECT command, count(*) AS n FROM good WHERE event = 'command' GROUP BY command ORDER BY n DESC`);
    expect(commands[0]!.command).toBe('build');
    expect(commands.length).toBeGreaterThanOrEqual(15);
    const machines = await one<{ machines: string; top: string; total: string; ids_ok: boolean }>(`
      SELECT count(*) AS machines, max(n) AS top, sum(n) AS total, bool_and(regexp_full_match(machine_id, '[0-9a-f]{64}')) AS ids_ok
      FROM (SELECT machine_id, count(*) AS n FROM good WHERE event = 'command' GROUP BY machine_id)`);
    expect(machines.ids_ok).toBe(true);
    expect(Number(machines.top) / Number(machines.total)).toBeGreaterThan(0.01);
    const unstable = await one<{ n: string }>(`
      SELECT count(*) AS n FROM (
        SELECT machine_id FROM good WHERE event = 'command'
        GROUP BY machine_id HAVING count(DISTINCT os_version) > 1 OR count(DISTINCT runtime_id) > 1 OR count(DISTINCT os_family) > 1)`);
    expect(unstable.n).toBe('0');
    const mix = await one<{
      upgraded: string;
      nonprod: string;
      containers: string;
      no_ip: string;
      v6: string;
      families: string;
    }>(`
      SELECT
        (SELECT count(*) FROM (SELECT machine_id FROM good WHERE event = 'command' GROUP BY ALL HAVING count(DISTINCT sdk_version) > 1)) AS upgraded,
        count(*) FILTER (WHERE environment = 'non-production') AS nonprod,
        count(*) FILTER (WHERE is_container) AS containers,
        count(*) FILTER (WHERE ip_prefix IS NULL) AS no_ip,
        count(DISTINCT ip_prefix) FILTER (WHERE ip_prefix LIKE '%:%') AS v6,
        count(DISTINCT os_family) AS families
      FROM good WHERE event = 'command'`);
    expect(Number(mix.upgraded)).toBeGreaterThan(0);
    expect(Number(mix.nonprod)).toBeGreaterThan(0);
    expect(Number(mix.containers)).toBeGreaterThan(0);
    expect(Number(mix.no_ip)).toBeGreaterThan(0);
    expect(Number(mix.v6)).toBeGreaterThan(0);
    expect(mix.families).toBe('3');
  });

  it('uses real IPv4 prefixes that resolve to at least 30 countries', async () => {
    const result = await one<{ unresolved: string; countries: string }>(`
      SELECT count(*) FILTER (WHERE code IS NULL) AS unresolved, count(DISTINCT code) AS countries FROM prefix_country`);
    expect(result.unresolved).toBe('0');
    expect(Number(result.countries)).toBeGreaterThanOrEqual(30);
  });

  it('plants rare values in every complete quarter: an OS of one machine, an SDK preview of two, a country of one', async () => {
    const planted = await rows<{ quarter: string; os: string; preview: string; country: string }>(`
      SELECT quarter(day) AS quarter,
        count(DISTINCT machine_id) FILTER (WHERE os_version = ${quotedString(PLANTED.singleMachineOs.osVersion)}) AS os,
        count(DISTINCT machine_id) FILTER (WHERE sdk_version = ${quotedString(PLANTED.previewSdk)}) AS preview,
        count(DISTINCT machine_id) FILTER (WHERE code = ${quotedString(PLANTED.singleMachineCountry)}) AS country
      FROM good LEFT JOIN prefix_country USING (ip_prefix)
      WHERE event = 'command' AND year(day) = 2026 AND quarter(day) IN (1, 2)
      GROUP BY ALL ORDER BY ALL`);
    expect(planted).toEqual([
      { quarter: '1', os: '1', preview: '2', country: '1' },
      { quarter: '2', os: '1', preview: '2', country: '1' },
    ]);
  });

  it('writes no bad lines when only Parquet is allowed, and only the formats asked for', async () => {
    const out = join(root, 'parquet-only');
    const result = await writeSampleArchive({
      ...OPTIONS,
      quarters: 1,
      commandEvents: 5_000,
      formats: ['parquet'],
      out,
      logger: createMemoryLogger(),
    });
    const files = await listFiles(out);
    expect(files.every((file) => file.endsWith('.parquet'))).toBe(true);
    expect(result.badLines).toBe(0);
    expect(result.files).toBe(files.length);
  });

  it('refuses bad options and a folder that is not empty, naming the option', async () => {
    const attempt = async (options: Partial<SampleOptions>, pattern: RegExp) => {
      const error = await writeSampleArchive({
        ...OPTIONS,
        out: join(root, 'never'),
        logger: createMemoryLogger(),
        ...options,
      }).catch((e: unknown) => e);
      expect(isPublisherError(error) && error.code === 'E_CONFIG').toBe(true);
      expect((error as Error).message).toMatch(pattern);
    };
    await attempt({ seed: -1 }, /option `seed` must be an integer from 0 to 4294967295, got -1/);
    await attempt({ quarters: 0 }, /option `quarters`/);
    await attempt({ formats: ['csv' as 'ndjson'] }, /option `formats`/);
    await attempt({ endQuarter: { year: 2026, quarter: 5 as 1 } }, /option `endQuarter`/);
    const full = join(root, 'full');
    await mkdir(full, { recursive: true });
    await writeFile(join(full, 'keep.txt'), 'mine');
    await attempt({ out: full }, /option `out` must be a new or empty folder/);
    expect(await readFile(join(full, 'keep.txt'), 'utf8')).toBe('mine');
  });
});

describe('writeBenchQuarter', () => {
  it.each(['parquet', 'ndjson.gz'] as const)(
    'writes one %s file per day of the quarter with all the events',
    async (format) => {
      const out = join(root, `bench-${format}`);
      const result = await writeBenchQuarter({
        out,
        quarter: { year: 2025, quarter: 4 },
        events: 40_000,
        format,
        seed: 3,
      });
      const files = await listFiles(out);
      expect(files).toHaveLength(92);
      expect(result.files).toBe(92);
      expect(files[0]).toBe(`date=2025-10-01/commands-0.${format}`);
      const paths = sqlList(files.map((file) => join(out, file)));
      const source =
        format === 'parquet'
          ? `SELECT filename AS file, "timestamp" AS ts FROM read_parquet(${paths}, filename = true)`
          : `SELECT filename AS file, "timestamp"::TIMESTAMPTZ AS ts FROM read_json(${paths}, format = 'newline_delimited', filename = true, columns = {'timestamp': 'VARCHAR'})`;
      const check = await one<{ n: string; outside: string }>(`
      SELECT count(*) AS n, count(*) FILTER (WHERE timezone('UTC', ts)::DATE <> regexp_extract(file, 'date=([0-9-]+)', 1)::DATE) AS outside
      FROM (${source})`);
      expect(check).toEqual({ n: '40000', outside: '0' });
    },
  );
});
