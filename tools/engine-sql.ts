// npm run engine-sql: writes `queries/<dataset>/engine.sql` for every bundled dataset, every statement the
// engine (query, protect and write stages) runs for it, in order, whole, with the parameters it binds, so
// a reviewer sees the real queries in a diff. test/engine/engine-sql.test.ts fails when a file is stale.
//
// The statements are recorded from a real build (pipeline.ts's buildRelease, through Duck), not rebuilt
// by hand: what the file shows is what ran. Statements that depend on data (label levels, key bit widths,
// batches, values that need cleaning) come from the tiny built-in archive below, the same every time.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveSettings } from '../src/config.js';
import { createMemoryLogger } from '../src/core/log.js';
import type { Quarter } from '../src/core/release.js';
import { type RecordedStatement, recordStatements, type SqlParams } from '../src/engine/duck.js';
import { sqlTemplates } from '../src/engine/sql.js';
import { buildRelease } from '../src/pipeline.js';
import { loadDatasets } from '../src/query/dataset.js';

export const BUNDLED_DATASETS = ['cli-usage', 'installations', 'feature-usage'] as const;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const QUARTER: Quarter = { year: 2026, quarter: 3 };

/** Where a dataset's rendered statements are committed. */
export function engineSqlPath(dataset: string): string {
  return join(ROOT, 'queries', dataset, 'engine.sql');
}

type Event = Record<string, unknown>;

/**
 * The built-in archive: two days of July 2026. Enough machines for full-detail rows at k = 10, a few
 * under k for the remainder steps and the ladders, and one value with stray spaces for the cleaning pass.
 */
function tinyArchive(): Record<string, Event[]> {
  const command = (machine: string, day: string, fields: Event = {}): Event => ({
    timestamp: `${day}T12:00:00Z`,
    machine_id: machine,
    event: 'command',
    command: 'build',
    exit_code: 0,
    os_family: 'Linux',
    os_version: '22.04',
    runtime_id: 'linux-x64',
    sdk_version: '8.0.100',
    ip_prefix: '81.2.69',
    environment: 'production',
    is_container: false,
    ...fields,
  });
  const snapshot = (machine: string, day: string, fields: Event = {}, metrics: Event = {}): Event => ({
    timestamp: `${day}T06:00:00Z`,
    machine_id: machine,
    event: 'snapshot',
    product: 'eventstoredb',
    product_version: '23.10.0',
    os_family: 'Linux',
    environment: 'production',
    ...fields,
    metrics: {
      core_count: 8,
      total_memory: 17179869184,
      is_container: false,
      is_kubernetes: false,
      projects: 3,
      ...metrics,
    },
  });
  const machines = (count: number, prefix: string) => Array.from({ length: count }, (_, index) => `${prefix}${index}`);
  return {
    '2026-07-01': [
      ...machines(12, 'common').map((machine) => command(machine, '2026-07-01')),
      ...machines(3, 'test').map((machine) => command(machine, '2026-07-01', { command: 'test' })),
      ...machines(2, 'mac').map((machine) =>
        command(machine, '2026-07-01', { os_family: 'Darwin', os_version: '10.12.6' }),
      ),
      command('spaced', '2026-07-01', { command: ' build ' }),
      ...machines(12, 'server').map((machine) => snapshot(machine, '2026-07-01')),
      ...machines(2, 'old').map((machine) =>
        snapshot(machine, '2026-07-01', { product_version: '22.10.4' }, { projects: 40 }),
      ),
    ],
    '2026-07-15': machines(12, 'common').map((machine) => command(machine, '2026-07-15', { command: 'run' })),
  };
}

async function writeTinyArchive(root: string): Promise<void> {
  for (const [day, events] of Object.entries(tinyArchive())) {
    const folder = join(root, `date=${day}`);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'events.ndjson'), `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
  }
}

/** The statement every engine run starts with (facts.ts): the ingest stage's statements come before it. */
const firstEngineStatement = sqlTemplates(
  new URL('../src/query/facts.ts', import.meta.url).href,
  'facts.sql',
)('release_table');

/** The statements the engine runs for `dataset`, built alone over the tiny archive. */
export async function recordEngineStatements(
  dataset: string,
): Promise<{ statements: RecordedStatement[]; work: string }> {
  const work = await mkdtemp(join(tmpdir(), 'tp-engine-sql-'));
  try {
    const archive = join(work, 'archive');
    await writeTinyArchive(archive);
    const settings = await resolveSettings({ datasets: [dataset], archive }, {}, undefined);
    const definitions = await loadDatasets(settings.datasets, settings.queriesDir);
    const { statements } = await recordStatements(() =>
      buildRelease(settings, createMemoryLogger(), QUARTER, definitions, join(work, 'build')),
    );
    const first = statements.findIndex((statement) => statement.sql === firstEngineStatement);
    if (first < 0)
      throw new Error('the engine never created the release table: is facts.sql release_table still first?');
    return { statements: statements.slice(first), work };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const literal = (value: SqlParams[string]): string =>
  JSON.stringify(value, (_key, inner) => (typeof inner === 'bigint' ? inner.toString() : inner));

/** `$k = 10, $cap = 100`: the parameters a statement binds, in the order given. */
function paramsLine(params: SqlParams | undefined, work: string): string {
  if (params === undefined || Object.keys(params).length === 0) return 'no parameters';
  return Object.entries(params)
    .map(([name, value]) => `$${name} = ${literal(value).replaceAll(work, '<work>')}`)
    .join(', ');
}

/** The file's text: a header, then each statement (consecutive repeats of one text once, with each run's parameters). */
export async function renderEngineSql(dataset: string): Promise<string> {
  const { statements, work } = await recordEngineStatements(dataset);
  const events = Object.entries(tinyArchive())
    .map(([day, list]) => `${list.length} events on ${day}`)
    .join(', ');
  const lines = [
    `-- Every statement the engine runs for ${dataset}, in order, as DuckDB receives it: the query, protect and`,
    '-- write stages (src/query, src/protect, src/write; the ingest stage comes before and is not shown).',
    '-- Written by `npm run engine-sql` (tools/engine-sql.ts); test/engine/engine-sql.test.ts fails when it is stale.',
    "-- Do not edit: change the .sql file beside the code (named in each statement's first comment) and rerun.",
    '--',
    `-- Shape: ${dataset} built alone for 2026-Q3 (k and cap from its dataset.json) over the built-in archive`,
    `-- of tools/engine-sql.ts: ${events}.`,
    "-- What depends on data is that archive's: label levels, key bit widths and masks, time batches, cleaned",
    '-- values, secondary suppressions. A larger quarter runs the same statements, in more batches.',
    '-- Datasets of one population (installations, feature-usage) are protected together in a run; built alone,',
    "-- linked.sql's statements name one dataset. Parameters are listed above each statement; the run's work",
    '-- folder is shown as <work>.',
  ];
  let index = 0;
  while (index < statements.length) {
    const statement = statements[index]!;
    let end = index + 1;
    while (end < statements.length && statements[end]!.sql === statement.sql) end++;
    const runs = statements.slice(index, end);
    lines.push(
      '',
      ...(runs.length === 1
        ? [`-- [${index + 1}] ${paramsLine(statement.params, work)}`]
        : [
            `-- [${index + 1}-${end}] ${runs.length} runs of one statement, with:`,
            ...runs.map((run) => `--   ${paramsLine(run.params, work)}`),
          ]),
    );
    const text = statement.sql.trim().replaceAll(work, '<work>');
    lines.push(text.endsWith(';') ? text : `${text};`);
    index = end;
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const dataset of BUNDLED_DATASETS) {
    await writeFile(engineSqlPath(dataset), await renderEngineSql(dataset));
    console.log(`wrote queries/${dataset}/engine.sql`);
  }
}
