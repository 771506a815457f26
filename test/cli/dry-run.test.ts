import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

// A dry run publishes the release through the same catalog code into a preview folder that only reads
// the target: the preview holds what the target would get, the summary points into it, and the target
// is untouched. A dry run that fails leaves nothing in the temp folder.
const DAY = '2026-07-01';

function args(archive: string, target: string, tempDir: string, ...extra: string[]): string[] {
  return [
    'publish',
    '--archive',
    archive,
    '--target',
    target,
    '--quarter',
    '2026-Q3',
    '--dataset',
    'cli-usage',
    '--temp-dir',
    tempDir,
    ...extra,
  ];
}

async function visible(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
    .filter((path) => !path.startsWith('.'))
    .sort();
}

describe('publish --dry-run', () => {
  it('writes the whole preview, catalog included, names it first and points the summary into it', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'dry-') });
    const target = await folderIn(tmp, 'target-');
    const tempDir = await folderIn(tmp, 'work-');
    const run = await cli(args(archive, target, tempDir, '--k', '5', '--dry-run'));
    expect(run.code, run.log.join('\n')).toBe(0);
    expect(await readdir(target)).toEqual([]);

    const preview = /^preview of everything the target would get: (\S+)\n/.exec(run.stdout)?.[1];
    expect(preview, run.stdout).toBeDefined();
    expect(run.log[0]).toContain(`dry run: the preview of everything the target would get goes to folder=${preview}`);
    expect(run.stdout).toContain(`\n  ${join(preview!, 'cli-usage-2026-q3.tsv')}\n`);
    expect(await visible(preview!)).toEqual(
      [
        'CHANGELOG.md',
        'DATA_LICENSE.md',
        'README.md',
        'SHA256SUMS',
        'catalog.jsonld',
        'cli-usage-2026-q3.parquet',
        'cli-usage-2026-q3.privacy.json',
        'cli-usage-2026-q3.tsv',
        'cli-usage-2026-q3.tsv.gz',
        'cli-usage-latest.tsv',
        'datapackage.json',
        'datasets/cli-usage.html',
        'index.html',
        'index.json',
        'inputs/cli-usage-2026-q3.json',
        'publication-log.ndjson',
      ].sort(),
    );
    // The checksums of the preview's catalog are those of the preview's files.
    for (const line of (await readFile(join(preview!, 'SHA256SUMS'), 'utf8')).trimEnd().split('\n')) {
      const [sha256, name] = line.split(/\s+\*?/);
      const body = await readFile(join(preview!, name!));
      expect(createHash('sha256').update(body).digest('hex'), name).toBe(sha256);
    }
    const index = JSON.parse(await readFile(join(preview!, 'index.json'), 'utf8')) as {
      datasets: Array<{ name: string; quarters: Array<{ quarter: string }> }>;
    };
    expect(index.datasets.map((dataset) => [dataset.name, dataset.quarters.map((q) => q.quarter)])).toEqual([
      ['cli-usage', ['2026-Q3']],
    ]);
  });

  it('previews what a real run then publishes: the same files, the same data bytes', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'same-') });
    const target = await folderIn(tmp, 'target-');
    const tempDir = await folderIn(tmp, 'work-');
    const dry = await cli(args(archive, target, tempDir, '--k', '5', '--dry-run'));
    const preview = /^preview of everything the target would get: (\S+)\n/.exec(dry.stdout)![1]!;
    const real = await cli(args(archive, target, await folderIn(tmp, 'work-'), '--k', '5'));
    expect(real.code, real.log.join('\n')).toBe(0);
    expect(await visible(preview)).toEqual(await visible(target));
    for (const name of ['cli-usage-2026-q3.tsv', 'cli-usage-2026-q3.privacy.json', 'SHA256SUMS']) {
      expect(await readFile(join(preview, name), 'utf8'), name).toBe(await readFile(join(target, name), 'utf8'));
    }
  });

  it('that fails removes its work folder: nothing is left in the temp folder', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'fail-') });
    const tempDir = await folderIn(tmp, 'work-');
    // k above the machines of every row: the build runs, then the run stops (exit 3) before publishing.
    const run = await cli(args(archive, await folderIn(tmp, 'target-'), tempDir, '--k', '50', '--dry-run'));
    expect(run.code).toBe(3);
    expect(await readdir(tempDir)).toEqual([]);
  });
});
