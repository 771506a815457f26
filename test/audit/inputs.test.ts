// The audit judges each quarter file against the inputs its manifest lists, read by the audit itself:
// archive file names that are glob patterns, truncated gzip, files gone, resized or leading outside the
// archive, and late files added after a withheld revision.
import { appendFile, copyFile, mkdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { event, machines, writeDayFile } from '../helpers/archive.js';
import { folderIn } from '../helpers/build.js';
import { cli, cliUsagePublishArgs } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { cubeOnlyQueries, patchedDataset } from '../helpers/queries.js';
import { writeZonedParquet } from './parquet.js';

const DAY = '2026-07-01';
const QUARTER_FILE = 'cli-usage-2026-q3.tsv';
const MANIFEST = 'inputs/cli-usage-2026-q3.json';

/** An archive of one day with the given files (name -> events), published for 2026-Q3 at k=5. */
async function published(
  tmp: string,
  files: Record<string, ReturnType<typeof machines>>,
  format: 'ndjson' | 'ndjson.gz' = 'ndjson',
) {
  const archive = await folderIn(tmp, 'tp-audit-archive-');
  for (const [name, events] of Object.entries(files)) await writeDayFile(archive, DAY, name, format, events);
  const target = await folderIn(tmp, 'tp-audit-target-');
  // The cube alone: a row that passes k and is missing is a violation (a family may withhold it).
  const queriesDir = await cubeOnlyQueries(tmp);
  const run = await cli(publishArgs(archive, target, queriesDir));
  expect(run.code, run.log.join('\n')).toBe(0);
  return {
    archive,
    target,
    queriesDir,
    audit: () =>
      cli(['audit', '--archive', archive, '--target', target, '--quarter', '2026-Q3', '--queries-dir', queriesDir]),
  };
}

function publishArgs(archive: string, target: string, queriesDir: string, ...more: string[]): string[] {
  return cliUsagePublishArgs(archive, target, '--queries-dir', queriesDir, ...more);
}

/** Rewrites the published quarter file's data lines, as a job with a reading bug would have written them. */
async function rewritePublished(target: string, change: (lines: string[]) => string[]): Promise<void> {
  const path = join(target, QUARTER_FILE);
  const [header, ...lines] = (await readFile(path, 'utf8')).trimEnd().split('\n');
  await writeFile(path, `${[header, ...change(lines)].join('\n')}\n`);
}

const withCount = (line: string, count: number) => line.replace(/^([^\t]*)\t\d+\t/, `$1\t${count}\t`);

describe('audit reads the inputs of the manifest itself', () => {
  it('reads a file named *.ndjson once, and reports a figure computed from reading its folder twice', async ({
    tmp,
  }) => {
    const { target, audit } = await published(tmp, {
      events: machines(8, 'a'),
      '*': machines(6, 'b', { command: 'run' }),
    });
    // A glob read of "*.ndjson" reads events.ndjson a second time: 8 machines, 2 events each.
    await rewritePublished(target, (lines) =>
      lines.map((line) => (line.includes('\tbuild\t') ? withCount(line, 16) : line)),
    );
    const run = await audit();
    expect(run.code, run.stdout).toBe(9);
    expect(run.stdout).toMatch(
      /VIOLATION value_mismatch cli-usage 2026-Q3 \[2026-07-01 \| 16 \| build [^\]]*\]: recomputed value 8\n/,
    );
    expect(run.stdout).not.toMatch(/VIOLATION \w+ cli-usage 2026-Q3 \[2026-07-01 \| 6 \| run/);
  });

  it('reads [c]ommands.ndjson and commands.ndjson once each, and reports the figures of a glob read', async ({
    tmp,
  }) => {
    const { target, audit } = await published(tmp, {
      commands: machines(8, 'a'),
      '[c]ommands': machines(6, 'b', { command: 'run' }),
    });
    // A glob read of "[c]ommands.ndjson" reads commands.ndjson twice and never itself.
    await rewritePublished(target, (lines) =>
      lines
        .filter((line) => !line.includes('\trun\t'))
        .map((line) => (line.includes('\tbuild\t') ? withCount(line, 16) : line)),
    );
    const run = await audit();
    expect(run.code, run.stdout).toBe(9);
    expect(run.stdout).toMatch(
      /VIOLATION value_mismatch cli-usage 2026-Q3 \[2026-07-01 \| 16 \| build [^\]]*\]: recomputed value 8\n/,
    );
    expect(run.stdout).toMatch(
      /VIOLATION missing_row cli-usage 2026-Q3 \[2026-07-01 \| run [^\]]*\]: recomputed with 6 machines but not published/,
    );
  });

  it('reports a truncated .ndjson.gz of the manifest, naming the file, and does not recompute around it', async ({
    tmp,
  }) => {
    const { archive, target, audit } = await published(tmp, { events: machines(12, 'a') }, 'ndjson.gz');
    const file = join(archive, `date=${DAY}`, 'events.ndjson.gz');
    const bytes = (await readFile(file)).length;
    await truncate(file, Math.floor(bytes / 2));
    // As a job that read the truncated file (and stopped where it broke) would have recorded it.
    const manifest = JSON.parse(await readFile(join(target, MANIFEST), 'utf8')) as { files: Array<{ bytes: number }> };
    manifest.files[0]!.bytes = Math.floor(bytes / 2);
    await writeFile(join(target, MANIFEST), JSON.stringify(manifest));
    const run = await audit();
    expect(run.code, run.stdout).toBe(9);
    expect(run.stdout).toMatch(
      /VIOLATION input_unreadable cli-usage 2026-Q3: \S*date=2026-07-01\/events\.ndjson\.gz cannot be read to its end: unexpected end of file/,
    );
    expect(run.stdout).not.toMatch(/value_mismatch|missing_row|unknown_row/);
  });

  it('finds no violation after a correctly withheld revision: late files are no input of the frozen quarter', async ({
    tmp,
  }) => {
    const { archive, target, audit, queriesDir } = await published(tmp, { events: machines(8, 'a') });
    // Two late machines: the revision would change a row because of fewer than k=5 machines.
    await writeDayFile(archive, DAY, 'late', 'ndjson', machines(2, 'late-'));
    const revise = await cli(publishArgs(archive, target, queriesDir, '--revise'));
    expect(revise.code, revise.log.join('\n')).toBe(0);
    expect(revise.stdout).toMatch(/revision withheld/);
    const run = await audit();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/no violations/);
  });

  it('reports a file of the manifest removed from the archive, and one that changed size', async ({ tmp }) => {
    const { archive, audit } = await published(tmp, {
      events: machines(8, 'a'),
      more: machines(6, 'b', { command: 'run' }),
    });
    await rm(join(archive, `date=${DAY}`, 'events.ndjson'));
    await appendFile(join(archive, `date=${DAY}`, 'more.ndjson'), `${JSON.stringify(machines(1, 'c')[0])}\n`);
    const run = await audit();
    expect(run.code, run.stdout).toBe(9);
    expect(run.stdout).toMatch(
      /VIOLATION input_missing cli-usage 2026-Q3: \S*date=2026-07-01\/events\.ndjson is in the input manifest but not in the archive/,
    );
    expect(run.stdout).toMatch(
      /VIOLATION input_changed cli-usage 2026-Q3: \S*date=2026-07-01\/more\.ndjson has \d+ bytes, the input manifest \d+/,
    );
    expect(run.stdout).not.toMatch(/value_mismatch|missing_row|unknown_row/);
  });

  it('refuses a file of the manifest that leads outside the archive root', async ({ tmp }) => {
    const { archive, audit } = await published(tmp, { events: machines(8, 'a') });
    const inside = join(archive, `date=${DAY}`, 'events.ndjson');
    const outside = join(await folderIn(tmp, 'tp-audit-outside-'), 'events.ndjson');
    await writeFile(outside, await readFile(inside));
    await rm(inside);
    await symlink(outside, inside);
    const run = await audit();
    expect(run.code, run.stdout).toBe(9);
    expect(run.stdout).toMatch(
      /VIOLATION input_refused cli-usage 2026-Q3: \S*events\.ndjson leads to \S+, outside the archive root/,
    );
  });

  it('reports a quarter file without an input manifest', async ({ tmp }) => {
    const { target, audit } = await published(tmp, { events: machines(8, 'a') });
    await rm(join(target, MANIFEST));
    const run = await audit();
    expect(run.code, run.stdout).toBe(9);
    expect(run.stdout).toMatch(
      /VIOLATION no_manifest cli-usage 2026-Q3: no input manifest \S*inputs\/cli-usage-2026-q3\.json/,
    );
  });

  it('reads NDJSON, gzip NDJSON and Parquet of one day alike: nothing wrong with what the job published', async ({
    tmp,
  }) => {
    const archive = await folderIn(tmp, 'tp-audit-archive-');
    await writeDayFile(archive, DAY, 'a', 'ndjson', machines(6, 'a'));
    await writeDayFile(archive, DAY, 'b', 'ndjson.gz', machines(6, 'b'));
    await writeZonedParquet(join(archive, `date=${DAY}`, 'c.parquet'), machines(6, 'c', { command: 'run' }));
    await writeZonedParquet(
      join(archive, 'date=2026-07-02', 'd.parquet'),
      machines(7, 'd', { timestamp: '2026-07-02T08:00:00+05:00' }),
    );
    const target = await folderIn(tmp, 'tp-audit-target-');
    expect((await cli(cliUsagePublishArgs(archive, target))).code).toBe(0);
    const run = await cli(['audit', '--archive', archive, '--target', target, '--quarter', '2026-Q3']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/cli-usage 2026-Q3: 3 rows checked/);
  });

  it('catches differencing between linked datasets published in separate runs from different inputs', async ({
    tmp,
  }) => {
    // 10 installations: 8 with 2-5 projects, 2 with over 100 (under k=3). Alone, feature-usage hides
    // the 2; with the installations total published by another run, 10 - 8 gives them away.
    const snapshot = (machine: string, projects: number) =>
      event({
        machine_id: machine,
        event: 'snapshot',
        timestamp: `${DAY}T06:00:00Z`,
        command: undefined,
        product: 'eventstoredb',
        product_version: '23.10.0',
        metrics: { core_count: 8, total_memory: 16 * 2 ** 30, is_container: false, is_kubernetes: false, projects },
      });
    const archive = await folderIn(tmp, 'tp-audit-archive-');
    await writeDayFile(
      archive,
      DAY,
      'snapshots',
      'ndjson',
      Array.from({ length: 10 }, (_, i) => snapshot(`i${i}`, i < 8 ? 3 : 500)),
    );
    const target = await folderIn(tmp, 'tp-audit-target-');
    // The job now always protects a population together; a publisher that did not (an older version)
    // is played by queries that give feature-usage a population of its own.
    const unlinked = await patchedDataset(tmp, 'feature-usage', { population: 'feature-usage-alone' });
    const publish = (dataset: string, to: string) =>
      cli([
        'publish',
        ...['--archive', archive, '--target', to, '--quarter', '2026-Q3', '--dataset', dataset, '--k', '3'],
        ...(dataset === 'feature-usage' ? ['--queries-dir', unlinked] : []),
      ]);
    expect((await publish('feature-usage', target)).code).toBe(0);
    // A late file, then installations published by a run that knew nothing of feature-usage.
    await writeDayFile(
      archive,
      '2026-07-02',
      'late',
      'ndjson',
      machines(1, 'late-', { timestamp: '2026-07-02T06:00:00Z' }),
    );
    const other = await folderIn(tmp, 'tp-audit-target-');
    expect((await publish('installations', other)).code).toBe(0);
    await mkdir(join(target, 'inputs'), { recursive: true });
    for (const key of [
      'installations-2026-q3.tsv',
      'installations-2026-q3.privacy.json',
      'inputs/installations-2026-q3.json',
    ])
      await copyFile(join(other, key), join(target, key));
    // Judged against two manifests: one file for feature-usage, two for installations.
    const inputs = async (name: string) =>
      (JSON.parse(await readFile(join(target, `inputs/${name}-2026-q3.json`), 'utf8')) as { files: unknown[] }).files;
    expect([(await inputs('feature-usage')).length, (await inputs('installations')).length]).toEqual([1, 2]);
    const run = await cli(['audit', '--archive', archive, '--target', target, '--quarter', '2026-Q3', '--k', '3']);
    expect(run.code, run.stdout).toBe(9);
    expect(run.stdout).toMatch(
      /VIOLATION derivable feature-usage 2026-Q3 \[2026-Q3 \| eventstoredb \| projects \| [^\]]+\]: equals .*\[2026-Q3 eventstoredb 23\.10\.0 /,
    );
  });
});
