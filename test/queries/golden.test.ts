import { access, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, quotedIdentifier, quotedString } from '@duckdb/node-api';
import { type ArchiveEvent, writeDayFile } from '../helpers/archive.js';
import { build, folderIn } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { queriesWith } from '../helpers/queries.js';

/**
 * Golden cases: every folder `test/queries/<dataset>/<case>/` holds the input events, the flags, the exact
 * TSV that must be published and, in its README.md, why each expected row is there (see
 * test/queries/README.md for the folder layout and the `$repeat` convention). This file only runs them:
 * it never writes an expect file.
 */
const CASES_ROOT = dirname(fileURLToPath(import.meta.url));
const QUERIES_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'queries');
const QUARTER = '2026-Q3';

interface CaseSpec {
  /** What the case demonstrates, in one or two sentences. */
  comment: string;
  k?: number;
  contributionCap?: number;
  /** Datasets built together (default: the folder's); installations and feature-usage are protected jointly. */
  datasets?: string[];
  /**
   * Only these dataset folders of queries/ make the run's queries folder (default: all of queries/). For a
   * case that pins one table's own rules (labels, remainder steps, k) without the linked suppression its
   * bundled family adds, which test/protect/family-*.test.ts pin.
   */
  queries?: string[];
  /** Partial match on the privacy report published beside the folder's dataset. */
  report?: Record<string, unknown>;
  /** Partial match on the run's internal statistics (never published). */
  stats?: Record<string, unknown>;
  /** Publish runs against one temporary target, in order (frozen history, --revise); replaces the plain build. */
  runs?: RunSpec[];
  /**
   * The case states what src/ should do but does not yet: it passes while it fails with an error matching
   * `failsWith` (so it cannot pass by failing for another reason) and fails once src/ is fixed.
   */
  knownBug?: { issue: string; failsWith: string };
}

interface RunSpec {
  comment: string;
  /** An events file of the case folder added to the archive before this run (late events). */
  add?: string;
  /** Extra publish flags, e.g. ["--revise"]. */
  args?: string[];
  /** The folder dataset's status in the run summary. */
  status: 'published' | 'unchanged' | 'frozen';
  /** The run summary's changelog lines, exactly (not checked when absent). */
  changelog?: string[];
  /** The expect file the target's TSV must equal after the run. */
  expect: string;
  /** Partial match on the privacy report in the target after the run. */
  report?: Record<string, unknown>;
}

interface GoldenCase {
  dataset: string;
  name: string;
  folder: string;
  spec: CaseSpec;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function subfolders(path: string): Promise<string[]> {
  return (await readdir(path, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function discoverCases(): Promise<GoldenCase[]> {
  const cases: GoldenCase[] = [];
  for (const dataset of await subfolders(CASES_ROOT)) {
    for (const name of await subfolders(join(CASES_ROOT, dataset))) {
      const folder = join(CASES_ROOT, dataset, name);
      let spec: CaseSpec;
      try {
        spec = JSON.parse(await readFile(join(folder, 'case.json'), 'utf8')) as CaseSpec;
      } catch (error) {
        throw new Error(
          `test/queries/${dataset}/${name}: every case needs a readable case.json (${(error as Error).message})`,
          { cause: error },
        );
      }
      cases.push({ dataset, name, folder, spec });
    }
  }
  return cases;
}

// --- the archive ------------------------------------------------------------------------------------

type Line = { kind: 'event'; event: ArchiveEvent } | { kind: 'repeat'; times: number; event: ArchiveEvent };

/** Parses an events file: one archive event per line, or `{"$repeat": N, "event": {...}}`. */
function parseEvents(text: string, source: string): Line[] {
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), where: `${source}:${index + 1}` }))
    .filter(({ line }) => line !== '')
    .map(({ line, where }) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new Error(`${where}: not JSON (${(error as Error).message})`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new Error(`${where}: must be a JSON object`);
      const object = value as Record<string, unknown>;
      if (!('$repeat' in object)) return { kind: 'event', event: object };
      const times = object.$repeat;
      if (
        !Number.isInteger(times) ||
        (times as number) < 1 ||
        typeof object.event !== 'object' ||
        object.event === null
      ) {
        throw new Error(`${where}: a repeat line is {"$repeat": <integer >= 1>, "event": {...}}`);
      }
      return { kind: 'repeat', times: times as number, event: object.event as ArchiveEvent };
    });
}

/** The archive's day folder of an event: the UTC day of its timestamp. */
function dayOf(event: ArchiveEvent, where: string): string {
  const time = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : Number.NaN;
  if (Number.isNaN(time)) throw new Error(`${where}: event without a parseable timestamp: ${JSON.stringify(event)}`);
  return new Date(time).toISOString().slice(0, 10);
}

/** A SQL literal of one event field, typed as the contract's Parquet form accepts it. */
function parquetLiteral(value: unknown): string {
  if (typeof value === 'string') return quotedString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? `${value}::BIGINT` : `${value}::DOUBLE`;
  return quotedString(JSON.stringify(value)); // metrics: JSON text
}

/**
 * Writes a case's events file into the archive: plain lines as `<name>.ndjson` in their day folders,
 * each `$repeat` line as one Parquet file of identical rows (a million NDJSON lines would spend most of
 * the case's time in JSON parsing; the formats give the same bytes, see publish-engine.test.ts).
 */
async function writeEvents(archive: string, file: string, name: string): Promise<void> {
  const source = relative(CASES_ROOT, file);
  const lines = parseEvents(await readFile(file, 'utf8'), source);
  const byDay = new Map<string, ArchiveEvent[]>();
  const repeats: Array<{ day: string; times: number; event: ArchiveEvent }> = [];
  for (const line of lines) {
    const day = dayOf(line.event, source);
    if (line.kind === 'event') byDay.set(day, [...(byDay.get(day) ?? []), line.event]);
    else repeats.push({ day, times: line.times, event: line.event });
  }
  for (const [day, events] of byDay) await writeDayFile(archive, day, name, 'ndjson', events);
  if (repeats.length === 0) return;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const [index, { day, times, event }] of repeats.entries()) {
      const columns = Object.entries(event)
        .filter(([, value]) => value !== null && value !== undefined)
        .map(([field, value]) => `${parquetLiteral(value)} AS ${quotedIdentifier(field)}`);
      const path = join(archive, `date=${day}`, `${name}-repeat-${index + 1}.parquet`);
      await mkdir(join(archive, `date=${day}`), { recursive: true });
      await connection.run(
        `COPY (SELECT ${columns.join(', ')} FROM range(${times})) TO ${quotedString(path)} (FORMAT parquet)`,
      );
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// --- comparing --------------------------------------------------------------------------------------

const show = (line: string): string => line.replaceAll('\t', ' │ ');

/** A line diff (longest common subsequence) with tabs drawn as │: `-` expected, `+` actual. */
function lineDiff(expected: string, actual: string): string {
  const lines = (text: string): string[] =>
    (text.endsWith('\n') ? text.slice(0, -1) : `${text}\n(no newline at end)`).split('\n');
  const a = lines(expected);
  const b = lines(actual);
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${show(a[i++]!)}`);
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${show(a[i++]!)}`);
    else out.push(`+ ${show(b[j++]!)}`);
  }
  return out.join('\n');
}

/** Byte-for-byte comparison; on a mismatch the error shows a readable line diff and names the file. */
async function expectSameBytes(actual: string, expectFile: string): Promise<void> {
  const expected = await readFile(expectFile, 'utf8');
  if (actual === expected) return;
  const diff = lineDiff(expected, actual);
  const hint =
    expected.replace(/\r/g, '') === actual
      ? ' (only carriage returns differ: save the expect file with LF line ends)'
      : '';
  throw new Error(
    `${relative(CASES_ROOT, expectFile)} differs from the produced TSV${hint}\n(- expected, + produced, │ is a tab)\n${diff}`,
  );
}

// --- running ----------------------------------------------------------------------------------------

function datasetsOf(golden: GoldenCase): string[] {
  const datasets = golden.spec.datasets ?? [golden.dataset];
  if (!datasets.includes(golden.dataset))
    throw new Error(`${golden.dataset}/${golden.name}/case.json: "datasets" must include ${golden.dataset}`);
  return datasets;
}

/** The case's queries folder: queries/ itself, or a copy of the folders its case.json names. */
async function queriesDirOf(golden: GoldenCase, parent: string): Promise<string> {
  const names = golden.spec.queries;
  return names ? queriesWith(parent, names) : QUERIES_ROOT;
}

async function runBuild(golden: GoldenCase, archive: string, queriesDir: string): Promise<void> {
  const { spec, folder } = golden;
  const datasets = datasetsOf(golden);
  const others = (await readdir(folder))
    .map((name) => /^expect\.(.+)\.tsv$/.exec(name)?.[1])
    .filter((name) => name !== undefined);
  for (const other of others)
    expect(datasets, `expect.${other}.tsv needs "${other}" in case.json "datasets"`).toContain(other);
  const built = await build(archive, {
    datasets,
    queriesDir,
    ...(spec.k !== undefined ? { k: String(spec.k) } : {}),
    ...(spec.contributionCap !== undefined ? { contributionCap: String(spec.contributionCap) } : {}),
  });
  try {
    for (const { file } of built.datasets) {
      if (file.dataset !== golden.dataset && !others.includes(file.dataset)) continue;
      const expectFile = join(folder, file.dataset === golden.dataset ? 'expect.tsv' : `expect.${file.dataset}.tsv`);
      await expectSameBytes(await readFile(file.localPath, 'utf8'), expectFile);
    }
    const own = built.datasets.find(({ file }) => file.dataset === golden.dataset)!;
    if (spec.report) expect(own.report, 'privacy report').toMatchObject(spec.report);
    if (spec.stats) expect(own.stats, 'internal statistics').toMatchObject(spec.stats);
  } finally {
    await rm(dirname(built.outDir), { recursive: true, force: true });
  }
}

async function runPublishSteps(
  golden: GoldenCase,
  archive: string,
  queriesDir: string,
  runs: readonly RunSpec[],
): Promise<void> {
  const { spec } = golden;
  const target = await folderIn(dirname(archive), 'target-');
  const base = [
    'publish',
    '--archive',
    archive,
    '--target',
    target,
    '--quarter',
    QUARTER,
    '--json',
    '--queries-dir',
    queriesDir,
    ...datasetsOf(golden).flatMap((dataset) => ['--dataset', dataset]),
    ...(spec.k !== undefined ? ['--k', String(spec.k)] : []),
    ...(spec.contributionCap !== undefined ? ['--contribution-cap', String(spec.contributionCap)] : []),
  ];
  try {
    await publishSteps(golden, archive, target, base, runs);
  } finally {
    await rm(target, { recursive: true, force: true });
  }
}

async function publishSteps(
  golden: GoldenCase,
  archive: string,
  target: string,
  base: readonly string[],
  runs: readonly RunSpec[],
): Promise<void> {
  const { folder } = golden;
  for (const [index, run] of runs.entries()) {
    const step = `run ${index + 1} (${run.comment})`;
    if (run.add) await writeEvents(archive, join(folder, run.add), run.add.replace(/\.ndjson$/, ''));
    const result = await cli([...base, ...(run.args ?? [])]);
    expect(result.code, `${step}: exit code; log:\n${result.log.join('\n')}`).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      datasets: Array<{ dataset: string; key: string; status: string }>;
      changelog: string[];
    };
    const outcome = summary.datasets.find((dataset) => dataset.dataset === golden.dataset)!;
    expect(outcome.status, `${step}: status`).toBe(run.status);
    if (run.changelog) expect(summary.changelog, `${step}: changelog`).toEqual(run.changelog);
    try {
      await expectSameBytes(await readFile(join(target, outcome.key), 'utf8'), join(folder, run.expect));
    } catch (error) {
      throw new Error(`${step}: ${(error as Error).message}`);
    }
    if (run.report) {
      const report = JSON.parse(
        await readFile(join(target, outcome.key.replace(/\.tsv$/, '.privacy.json')), 'utf8'),
      ) as unknown;
      expect(report, `${step}: privacy report in the target`).toMatchObject(run.report);
    }
  }
}

/** Runs one case with its archive, work folder and target in `parent` (the test's `tmp`). */
async function runCase(golden: GoldenCase, parent: string): Promise<void> {
  const { folder, spec } = golden;
  expect(spec.comment, 'case.json needs a "comment"').toBeTruthy();
  expect(await exists(join(folder, 'README.md')), 'every case explains its expected rows in README.md').toBe(true);
  expect(await exists(join(QUERIES_ROOT, golden.dataset, 'dataset.json')), `queries/${golden.dataset} must exist`).toBe(
    true,
  );
  const archive = await folderIn(parent, 'archive-');
  try {
    await writeEvents(archive, join(folder, 'events.ndjson'), 'events');
    const queriesDir = await queriesDirOf(golden, parent);
    if (spec.runs) await runPublishSteps(golden, archive, queriesDir, spec.runs);
    else await runBuild(golden, archive, queriesDir);
  } finally {
    await rm(archive, { recursive: true, force: true });
  }
}

const cases = await discoverCases();

describe('golden cases in test/queries', () => {
  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const golden of cases) {
    const title = `${golden.dataset}/${golden.name}: ${golden.spec.comment}`;
    const bug = golden.spec.knownBug;
    if (!bug) {
      it(title, ({ tmp }) => runCase(golden, tmp));
      continue;
    }
    it(`${title} [known bug: ${bug.issue}]`, async ({ tmp }) => {
      const error = await runCase(golden, tmp).then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
      expect(
        error,
        'the known bug no longer shows: remove "knownBug" from case.json and check the expect files',
      ).toBeDefined();
      expect(error!.message, 'the case fails, but not with the known bug').toMatch(new RegExp(bug.failsWith));
    });
  }
});
