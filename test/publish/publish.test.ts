import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cli, cliUsagePublishArgs } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { cubeOnlyQueries } from '../helpers/queries.js';

async function allBytes(dir: string): Promise<string> {
  let text = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return text;
}

const DAY = '2026-07-01';

describe('publish, end to end on a local target', () => {
  it('publishes the quarter, its report, the licence and the catalog, and a rerun uploads nothing', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      [DAY]: [...machines(12, 'secret-machine-'), ...machines(3, 'rare-', { command: 'rare-command' })],
    });
    const target = await folderIn(tmp, 'tp-target-');
    // The cube alone: with the bundled family, differencing the 3 rare machines against a marginal
    // withholds the cube's one row (family-bundled.test.ts covers that run).
    const args = cliUsagePublishArgs(archive, target, '--queries-dir', await cubeOnlyQueries(tmp));
    const first = await cli(args);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/cli-usage: published, 1 rows/);
    const files = await readdir(target);
    expect(files).toEqual(
      expect.arrayContaining([
        'cli-usage-2026-q3.tsv',
        'cli-usage-2026-q3.privacy.json',
        'DATA_LICENSE.md',
        'index.json',
        'SHA256SUMS',
        'datapackage.json',
      ]),
    );
    // Every object written is logged with its key, size and sha256.
    expect(first.log.some((line) => /cli-usage-2026-q3\.tsv/.test(line) && /sha256=[0-9a-f]{64}/.test(line))).toBe(
      true,
    );
    // Nothing identifying in any byte of the target, the catalog included.
    expect(await allBytes(target)).not.toMatch(/secret-machine-|rare-command|81\.2\.69|cwd\d/);

    const before = await readFile(join(target, 'cli-usage-2026-q3.tsv'));
    const second = await cli(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/objects written: 0/);
    expect(await readFile(join(target, 'cli-usage-2026-q3.tsv'))).toEqual(before);
  });

  it('does everything but write on --dry-run and keeps the files for inspection', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'm') });
    const target = await folderIn(tmp, 'tp-target-');
    const run = await cli([
      'publish',
      '--archive',
      archive,
      '--target',
      target,
      '--quarter',
      '2026-Q3',
      '--dataset',
      'cli-usage',
      '--k',
      '5',
      '--dry-run',
      '--temp-dir',
      tmp, // the kept files go in the test's folder, not the OS temp dir
    ]);
    expect(run.code).toBe(0);
    expect(await readdir(target)).toEqual([]);
    const preview = /files kept for inspection in (\S+)/.exec(run.stdout)?.[1];
    expect(await readFile(join(preview!, 'cli-usage-2026-q3.tsv'), 'utf8')).toMatch(/^Timestamp\tOccurrences/);
  });

  it('maps failures to the documented exit codes', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'm') });
    const target = await folderIn(tmp, 'tp-target-');
    const base = ['publish', '--archive', archive, '--target', target, '--dataset', 'cli-usage'];
    expect((await cli(['publish', '--no-such-flag'])).code).toBe(2);
    expect((await cli([...base, '--quarter', '2026-Q3', '--k', '1'])).code).toBe(3);
    expect((await cli([...base, '--quarter', '2099-Q1'])).code).toBe(3);
    expect((await cli([...base, '--quarter', '2026-Q3', '--dataset', 'no-such-dataset'])).code).toBe(3);
    expect(
      (await cli(['publish', '--archive', join(archive, 'missing'), '--target', target, '--quarter', '2026-Q3'])).code,
    ).toBe(4);
    const bad = await writeArchive(tmp, { [DAY]: [...machines(5, 'm'), 'garbage'] });
    const rejected = await cli([
      'publish',
      '--archive',
      bad,
      '--target',
      target,
      '--quarter',
      '2026-Q3',
      '--dataset',
      'cli-usage',
    ]);
    expect(rejected.code).toBe(5);
    expect(rejected.log.join('\n')).toMatch(/events\.ndjson \(1 of 6\)/);
    // Nothing published (the local store keeps its bookkeeping in hidden entries).
    expect((await readdir(target)).filter((name) => !name.startsWith('.'))).toEqual([]);
  });

  it('names the setting and its source when a setting is invalid', async ({ tmp }) => {
    const configFile = join(await folderIn(tmp), 'config.json');
    await writeFile(configFile, JSON.stringify({ maxBadShare: 7 }));
    const run = await cli(['publish', '--config', configFile, '--quarter', '2026-Q3']);
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(
      /setting `max-bad-share` \(.*config\.json: maxBadShare\) must be a number from 0 to 1/,
    );
  });
});

describe('frozen history and revisions', () => {
  it('keeps a published quarter frozen, publishes a revision that rests on k machines, withholds one that does not', async ({
    tmp,
  }) => {
    const archive = await writeArchive(tmp, {
      [DAY]: [...machines(10, 'a'), ...machines(10, 'b', { command: 'run' })],
    });
    const target = await folderIn(tmp, 'tp-target-');
    const args = cliUsagePublishArgs(archive, target);
    expect((await cli(args)).code).toBe(0);
    const published = await readFile(join(target, 'cli-usage-2026-q3.tsv'), 'utf8');

    // One late machine: without --revise the quarter stays as published.
    const { writeDayFile } = await import('../helpers/archive.js');
    await writeDayFile(archive, DAY, 'late-1', 'ndjson', machines(1, 'late-one-', { command: 'run' }));
    const frozen = await cli(args);
    expect(frozen.code).toBe(0);
    expect(frozen.stdout).toMatch(/cli-usage: frozen/);
    expect(await readFile(join(target, 'cli-usage-2026-q3.tsv'), 'utf8')).toBe(published);

    // With --revise, a change resting on one machine is withheld: subtracting releases would expose it.
    const withheld = await cli([...args, '--revise']);
    expect(withheld.stdout).toMatch(/revision withheld: the change rests on fewer than k machines/);
    expect(await readFile(join(target, 'cli-usage-2026-q3.tsv'), 'utf8')).toBe(published);

    // Five more late machines: the change now rests on 6 machines and is published, with a changelog entry.
    await writeDayFile(archive, DAY, 'late-2', 'ndjson', machines(5, 'late-more-', { command: 'run' }));
    const revised = await cli([...args, '--revise']);
    expect(revised.stdout).toMatch(/revised with late events: 1 rows changed on 1 day/);
    expect(await readFile(join(target, 'cli-usage-2026-q3.tsv'), 'utf8')).toMatch(/\t16\trun\t/);
    const index = JSON.parse(await readFile(join(target, 'index.json'), 'utf8'));
    const quarter = index.datasets.find((dataset: { name: string }) => dataset.name === 'cli-usage').quarters[0];
    expect(quarter.revision).toBe(2);
    expect(await readFile(join(target, 'CHANGELOG.md'), 'utf8')).toMatch(/revised with late events/);
  });
});
