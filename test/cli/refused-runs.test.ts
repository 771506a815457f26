// A run that cannot publish what it should stops before anything is written anywhere (target, temp
// folder, working directory), with exit code 3 and a message naming the setting.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const DAY = '2026-07-01';

/** Every file and folder under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1)).sort();
}

/** A fresh root holding an empty target and an empty temp folder, so a stray write anywhere near shows. */
async function sandbox(tmp: string): Promise<{ root: string; target: string; temp: string }> {
  const root = await folderIn(tmp, 'tp-refused-');
  const target = join(root, 'target');
  const temp = join(root, 'tmp');
  await mkdir(target);
  await mkdir(temp);
  return { root, target, temp };
}

describe('settings are validated before anything is written', () => {
  it('refuses a key template that leaves the target (../) with exit 3, writing nothing in the target, the temp folder or the working directory', async ({
    tmp,
  }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'm') });
    const { root, target, temp } = await sandbox(tmp);
    const cwdBefore = await readdir(process.cwd());
    const run = await cli([
      'publish',
      '--archive',
      archive,
      '--target',
      target,
      '--temp-dir',
      temp,
      '--quarter',
      '2026-Q3',
      '--dataset',
      'cli-usage',
      '--k',
      '5',
      '--key-template',
      '../{dataset}-{year}-q{quarter}.tsv',
    ]);
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(/setting `key-template` \(--key-template\) must be .*'\.\.' segment/);
    expect(await tree(root)).toEqual(['target', 'tmp']);
    expect(await readdir(process.cwd())).toEqual(cwdBefore);
  });

  it('refuses an unreadable opt-out file before the work folder is made', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'm') });
    const { root, target, temp } = await sandbox(tmp);
    const run = await cli([
      'publish',
      ...['--archive', archive, '--target', target, '--temp-dir', temp, '--quarter', '2026-Q3'],
      ...['--dataset', 'cli-usage', '--k', '5', '--opt-out', join(root, 'missing.txt')],
    ]);
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(/opt-out file .*missing\.txt cannot be read: ENOENT/);
    expect(await tree(root)).toEqual(['target', 'tmp']);
  });

  it('refuses a malformed S3 archive location as the setting (exit 3), before the work folder is made', async ({
    tmp,
  }) => {
    const { root, target, temp } = await sandbox(tmp);
    const run = await cli([
      'publish',
      ...['--archive', 's3://Not_A_Bucket/events', '--target', target, '--temp-dir', temp],
      ...['--quarter', '2026-Q3', '--dataset', 'cli-usage', '--k', '5'],
    ]);
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(
      /setting `archive`: bucket "Not_A_Bucket" in "s3:\/\/Not_A_Bucket\/events" must be 3 to 63 lower-case/,
    );
    expect(await tree(root)).toEqual(['target', 'tmp']);
  });

  it('names temp-dir when it is not a folder (exit 3, not an internal error)', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'm') });
    const { root, target } = await sandbox(tmp);
    const run = await cli([
      'publish',
      ...['--archive', archive, '--target', target, '--temp-dir', join(root, 'no-such-folder')],
      ...['--quarter', '2026-Q3', '--dataset', 'cli-usage', '--k', '5'],
    ]);
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(/setting `temp-dir` ".*no-such-folder" must be an existing folder/);
  });
});

describe('a dataset that would publish no row', () => {
  const publish = (archive: string, target: string, temp: string, ...more: string[]) =>
    cli([
      'publish',
      ...['--archive', archive, '--target', target, '--temp-dir', temp, '--quarter', '2026-Q3'],
      ...['--dataset', 'cli-usage', ...more],
    ]);

  it('refuses --k 99999999999999999999 as a setting (exit 3), naming the accepted range', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'm') });
    const { root, target, temp } = await sandbox(tmp);
    const run = await publish(archive, target, temp, '--k', '99999999999999999999');
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(/setting `k` \(--k\) must be an integer from 2 up to 9007199254740991/);
    expect(await tree(root)).toEqual(['target', 'tmp']);
  });

  it('stops with exit 3 naming the dataset and k when no row can meet k, writes and freezes nothing, and a run with a k that rows meet then publishes', async ({
    tmp,
  }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'm') });
    const { target, temp } = await sandbox(tmp);
    const refused = await publish(archive, target, temp, '--k', '1000000');
    expect(refused.code).toBe(3);
    const log = refused.log
      .filter((line) => line.includes(' error '))
      .map((line) => line.slice(line.indexOf(' error ')))
      .join('\n');
    expect(log).toMatch(
      /dataset "cli-usage" \(k=1000000, from setting `k`\) would publish no row for 2026-Q3: no row rests on k distinct machines\. Nothing was written/,
    );
    // No count of machines in the message: that is what k protects.
    expect(log).not.toMatch(/\b12\b/);
    expect(refused.log.some((line) => line.includes('wrote object'))).toBe(false);
    // The lock was taken and given back; no data, catalog or log object is left.
    expect((await readdir(target)).filter((name) => !name.startsWith('.'))).toEqual([]);
    expect(await readdir(temp)).toEqual([]);

    const published = await publish(archive, target, temp, '--k', '5');
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/cli-usage: published, 1 rows/);
  });

  it('says the k came from dataset.json when no k setting is given, and refuses a dry run the same way', async ({
    tmp,
  }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(3, 'm') });
    const { target, temp } = await sandbox(tmp);
    const run = await publish(archive, target, temp, '--dry-run');
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(
      /dataset "cli-usage" \(k=10, from `k` of .*queries\/cli-usage\/dataset\.json\) would publish no row/,
    );
    expect(await readdir(temp)).toEqual([]);
  });
});

describe('the config file', () => {
  it('is validated the same way (key template from a config file)', async ({ tmp }) => {
    const { root, target, temp } = await sandbox(tmp);
    const config = join(root, 'config.json');
    await writeFile(config, JSON.stringify({ keyTemplate: 'x/../{dataset}-{year}-q{quarter}.tsv' }));
    const run = await cli(['publish', '--config', config, '--target', target, '--temp-dir', temp]);
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(/setting `key-template` \(.*config\.json: keyTemplate\)/);
    expect(JSON.parse(await readFile(config, 'utf8'))).toEqual({
      keyTemplate: 'x/../{dataset}-{year}-q{quarter}.tsv',
    });
    expect(await tree(root)).toEqual(['config.json', 'target', 'tmp']);
  });
});
