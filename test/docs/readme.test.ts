// The snippets for reading a quarter, run as a reader would run them: taken from the README.md that a
// real publish (the CLI, in-process) wrote into its target, with the published folder served over HTTP
// on loopback in place of the public base URL. pandas, R (readr) and curl come from Debian's packages
// (`npm run test:setup`); without them these tests fail naming the package, none passes by returning
// early. The repository README must carry exactly the published snippets.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { README_EXAMPLE, README_PATH, snippetsSection } from '../../tools/readme-snippets.js';
import { machines, snapshot } from '../helpers/archive.js';
import { folderIn, parseTsv, writeArchive } from '../helpers/build.js';
import { cli, quarterArgs } from '../helpers/cli.js';
import { httpfsLoads, PYTHON, RSCRIPT, requireCurl, requirePandas, requireReadr, run } from '../helpers/clients.js';
import { describe, expect, it, test } from '../helpers/fixtures.js';
import { type FolderServer, serveFolder } from '../helpers/folder-server.js';

const BASE = README_EXAMPLE.baseUrl;
const DATASET = README_EXAMPLE.dataset;
const TSV_KEY = 'cli-usage-2026-q3.tsv';

interface PublishedSnippet {
  label: string;
  language: string;
  code: string;
}

/** The fenced blocks of one dataset's snippets in a README, each with the label line above it. */
function snippetsIn(markdown: string, dataset: string): PublishedSnippet[] {
  const section = snippetsSection(markdown, dataset);
  if (!section) throw new Error(`no snippets of ${dataset} between their markers`);
  return [...section.matchAll(/^([^\n:]+):[^\n]*\n\n```(\w+)\n([\s\S]*?)\n```/gm)].map((match) => ({
    label: match[1]!,
    language: match[2]!,
    code: match[3]!,
  }));
}

/** How the DuckDB snippets run here, decided once: over HTTP only where httpfs loads without a download. */
const HTTPFS = await (async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await httpfsLoads(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
})();
const DUCKDB_FORM = HTTPFS
  ? 'the URL form over loopback HTTP (httpfs loaded)'
  : 'the local-file form (httpfs cannot be loaded here: @duckdb/node-api bundles no extension and none can be downloaded)';

describe("the published README's snippets", () => {
  let target: string;
  let server: FolderServer;
  let published: string;
  let snippets: PublishedSnippet[];
  let rows: Array<Record<string, string>>;
  const snippet = (label: string): PublishedSnippet => {
    const found = snippets.find((each) => each.label === label);
    if (!found) throw new Error(`the published README has no snippet "${label}"`);
    return found;
  };
  const overHttp = (code: string): string => code.replaceAll(BASE, server.origin);
  const column = (name: string): string[] => rows.map((row) => row[name]!);

  test.beforeAll(async ({ fileTmp }) => {
    // Versions that a number parser would change: SDK 8.0 (the float 8) and OS 10.10 (10.1).
    const archive = await writeArchive(fileTmp, {
      '2026-07-01': [
        ...machines(12, 'a'),
        ...machines(11, 'b', { command: 'run', os_version: '10.10', sdk_version: '8.0' }),
      ],
    });
    target = await folderIn(fileTmp, 'target-');
    const publish = await cli([
      'publish',
      ...quarterArgs(archive, target),
      '--dataset',
      DATASET,
      '--k',
      '5',
      '--public-base-url',
      BASE,
    ]);
    expect(publish.code, publish.log.join('\n')).toBe(0);
    published = await readFile(join(target, 'README.md'), 'utf8');
    snippets = snippetsIn(published, DATASET);
    rows = parseTsv(await readFile(join(target, TSV_KEY), 'utf8'));
    expect(column('SDKVersion')).toEqual(['8.0.100', '8.0']);
    server = await serveFolder(target);
  });
  test.afterAll(() => server?.close());

  it('are the repository README\'s "Reading a quarter" snippets, word for word', async () => {
    const repository = snippetsSection(await readFile(README_PATH, 'utf8'), DATASET);
    expect(repository, 'README.md differs from what the publisher writes: run `npm run readme-snippets`').toBe(
      snippetsSection(published, DATASET),
    );
  });

  it('are each run by a test below, and say that DuckDB reads a URL through httpfs', () => {
    expect(snippets.map((each) => each.label)).toEqual([
      'pandas',
      'pandas, the .tsv.gz copy',
      'R (readr)',
      'R (readr), the .tsv.gz copy',
      'DuckDB',
      'DuckDB, the .parquet copy',
      'curl and sha256sum',
    ]);
    expect(published).toContain("DuckDB's httpfs extension: run `INSTALL httpfs; LOAD httpfs;`");
  });

  it.each(['pandas', 'pandas, the .tsv.gz copy'])('%s reads the URL with versions as text', async (label) => {
    requirePandas();
    const code = [
      overHttp(snippet(label).code),
      'print("ROWS", len(df))',
      'print("TYPES", df["SDKVersion"].dtype, df["OSVersion"].dtype, df["Timestamp"].dtype)',
      'print("SDK", "|".join(df["SDKVersion"]))',
      'print("OS", "|".join(df["OSVersion"]))',
    ].join('\n');
    const { stdout } = await run(PYTHON, ['-c', code]);
    expect(stdout).toMatch(/^build\s+12$/m);
    expect(stdout).toMatch(/^run\s+11$/m);
    expect(stdout).toContain(`ROWS ${rows.length}\n`);
    expect(stdout).toContain('TYPES object object datetime64[ns]\n');
    expect(stdout).toContain(`SDK ${column('SDKVersion').join('|')}\n`);
    expect(stdout).toContain(`OS ${column('OSVersion').join('|')}\n`);
  });

  it.each(['R (readr)', 'R (readr), the .tsv.gz copy'])('%s reads the URL with versions as text', async (label) => {
    requireReadr();
    const code = [
      overHttp(snippet(label).code),
      'cat("ROWS", nrow(df), "\\n")',
      'cat("TYPES", class(df$SDKVersion), class(df$OSVersion), class(df$Timestamp), class(df$Occurrences), "\\n")',
      'cat("SDK", paste(df$SDKVersion, collapse = "|"), "\\n")',
      'cat("OS", paste(df$OSVersion, collapse = "|"), "\\n")',
    ].join('\n');
    const { stdout } = await run(RSCRIPT, ['-e', code]);
    expect(stdout).toMatch(/build/);
    expect(stdout).toContain(`ROWS ${rows.length} \n`);
    expect(stdout).toContain('TYPES character character Date integer \n');
    expect(stdout).toContain(`SDK ${column('SDKVersion').join('|')} \n`);
    expect(stdout).toContain(`OS ${column('OSVersion').join('|')} \n`);
  });

  it.each(['DuckDB', 'DuckDB, the .parquet copy'])(
    `%s sums by command, versions as VARCHAR: ${DUCKDB_FORM}`,
    async (label) => {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      try {
        const loaded = await httpfsLoads(connection);
        expect(loaded).toBe(HTTPFS);
        const sql = snippet(label).code.replaceAll(BASE, loaded ? server.origin : target);
        console.log(`${label}: ran ${DUCKDB_FORM}: ${/read_\w+\('([^']+)'/.exec(sql)?.[1]}`);
        const sums = (await connection.runAndReadAll(sql)).getRowObjectsJson();
        expect(sums.map((row) => [row.Command, Number(row.occurrences)])).toEqual([
          ['build', 12],
          ['run', 11],
        ]);
        // The snippet's own FROM clause, read whole: its types and values.
        const from = /\nFROM (read_\w+\([\s\S]*?\))\nGROUP BY/.exec(sql)?.[1];
        expect(from, 'the snippet reads with read_csv or read_parquet').toBeDefined();
        const types = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowObjectsJson();
        expect(Object.fromEntries(types.map((row) => [row.column_name, row.column_type]))).toMatchObject({
          Timestamp: 'DATE',
          Occurrences: 'BIGINT',
          OSVersion: 'VARCHAR',
          SDKVersion: 'VARCHAR',
        });
        const read = (await connection.runAndReadAll(`SELECT SDKVersion, OSVersion FROM ${from}`)).getRowObjectsJson();
        expect(read).toEqual(rows.map((row) => ({ SDKVersion: row.SDKVersion, OSVersion: row.OSVersion })));
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    },
  );

  it('curl and sha256sum download the file and check it against SHA256SUMS', async ({ tmp }) => {
    requireCurl();
    const { stdout } = await run(
      '/bin/bash',
      ['-euo', 'pipefail', '-c', overHttp(snippet('curl and sha256sum').code)],
      {
        cwd: tmp,
      },
    );
    expect(stdout).toBe(`${TSV_KEY}: OK\n`);
    expect(await readFile(join(tmp, TSV_KEY))).toEqual(await readFile(join(target, TSV_KEY)));
  });
});

describe("the installations' published README", () => {
  it('states the privacy summary in words: no null, the withheld shares said so', async ({ tmp }) => {
    // Two installations with 128 cores are suppressed (and a row beside them, against differencing): the
    // linked shares are then withheld, null in index.json; the installations with 4, 8 and 16 cores publish.
    const group = (count: number, prefix: string, cores: number) =>
      Array.from({ length: count }, (_, i) => snapshot(`${prefix}-${i}`, '2026-07-01', {}, { core_count: cores }));
    const archive = await writeArchive(tmp, {
      '2026-07-01': [
        ...group(10, 'mid', 8),
        ...group(7, 'small', 4),
        ...group(6, 'large', 16),
        ...group(2, 'huge', 128),
      ],
    });
    const target = await folderIn(tmp, 'target-');
    const publish = await cli(['publish', ...quarterArgs(archive, target), '--dataset', 'installations', '--k', '5']);
    expect(publish.code, publish.log.join('\n')).toBe(0);
    const index = JSON.parse(await readFile(join(target, 'index.json'), 'utf8'));
    const privacy = index.datasets[0].quarters[0].privacy;
    expect(privacy).toMatchObject({ k: 5, contributionCap: null, shares: null });
    expect(privacy.rowsPublished).toBeGreaterThan(0);
    const readme = await readFile(join(target, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/\bnull\b/);
    expect(readme).toContain(
      `Privacy (2026-Q3): every row rests on at least k=5 distinct machines; ${privacy.rowsPublished} rows published, ${privacy.rowsSuppressed} suppressed; the shares of the measure are withheld (they would disclose a small figure).`,
    );
    // Its snippets are typed for its own columns: the version as text.
    expect(snippetsIn(readme, 'installations')[0]!.code).toContain('"ProductVersion": str');
  });
});
