import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach } from 'vitest';
import { openArchive } from '../../src/archive/index.js';
import { createMemoryLogger } from '../../src/core/log.js';
import { machines } from '../helpers/archive.js';
import { build, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

// Every archive file is read once, by its exact path, whatever its name; only the archive's own files
// are read.
const DAY = '2026-07-01';
const lines = (prefix: string, count = 10) =>
  `${machines(count, prefix)
    .map((e) => JSON.stringify(e))
    .join('\n')}\n`;
const folders: string[] = [];
const folder = async (prefix: string) => {
  const made = await mkdtemp(join(tmpdir(), prefix));
  folders.push(made);
  return made;
};
afterEach(async () => {
  for (const made of folders.splice(0)) await rm(made, { recursive: true, force: true });
});

describe('file names are not patterns', () => {
  it('reads each file once, by its exact path, whatever characters its name or folder holds', async () => {
    // The folder itself holds glob characters, so every path would be globbed (and split at backslashes).
    const root = join(await folder('tp-names-'), 'arch[1]*');
    const day = join(root, `date=${DAY}`);
    await mkdir(day, { recursive: true });
    const names = [
      'commands.ndjson',
      '*.ndjson',
      '[c]ommands.ndjson',
      'q?.ndjson',
      'qx.ndjson',
      '{b,c}.jsonl',
      'a\\b.ndjson',
    ];
    for (const [index, name] of names.entries()) await writeFile(join(day, name), lines(`m${index}-`));
    // DuckDB decides gzip by a lower-case `.gz`: an upper-case extension must still be read as gzip.
    await writeFile(join(day, 'UPPER.NDJSON.GZ'), gzipSync(lines('up-')));
    const built = await build(root, { k: '2' });
    expect(built.events.eventsRead).toBe(10 * (names.length + 1));
    expect(built.rows.map((row) => row.Occurrences)).toEqual([String(10 * (names.length + 1))]);
    expect(built.inputs.map((input) => input.path).sort()).toEqual(
      [...names, 'UPPER.NDJSON.GZ'].map((name) => `date=${DAY}/${name}`).sort(),
    );
  });

  it('refuses a work folder whose path DuckDB would glob, naming --temp-dir', async () => {
    const root = await folder('tp-names-');
    await mkdir(join(root, `date=${DAY}`));
    await writeFile(join(root, `date=${DAY}`, '*.ndjson'), lines('w-'));
    const work = join(root, 'work[1]');
    await expect(openArchive(root, [DAY], work, createMemoryLogger())).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringMatching(/work folder .*work\[1\].*--temp-dir/),
    });
  });
});

describe('links', () => {
  it('refuses a link to a file outside the archive, naming the link and its target', async ({ tmp }) => {
    const root = await writeArchive(tmp, { [DAY]: machines(3, 'in-') });
    const outside = await writeArchive(tmp, { [DAY]: machines(3, 'out-') });
    folders.push(root, outside);
    await symlink(join(outside, `date=${DAY}`, 'events.ndjson'), join(root, `date=${DAY}`, 'elsewhere.ndjson'));
    await expect(build(root, { k: '2' })).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringMatching(/elsewhere\.ndjson is a link to .*outside the archive/),
    });
  });

  it('refuses a day folder that is a link outside the archive', async ({ tmp }) => {
    const root = await folder('tp-links-');
    const outside = await writeArchive(tmp, { [DAY]: machines(3, 'out-') });
    folders.push(outside);
    await symlink(join(outside, `date=${DAY}`), join(root, `date=${DAY}`));
    await expect(build(root, { k: '2' })).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringMatching(/date=2026-07-01 is a link to .*outside the archive/),
    });
  });

  it('refuses a dangling link with E_ARCHIVE, naming it', async ({ tmp }) => {
    const root = await writeArchive(tmp, { [DAY]: machines(3, 'in-') });
    folders.push(root);
    await symlink(join(root, 'gone.ndjson'), join(root, `date=${DAY}`, 'dangling.ndjson'));
    await expect(build(root, { k: '2' })).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringMatching(/dangling\.ndjson is a link to .*gone\.ndjson that does not exist/),
    });
  });

  it('refuses two names for one file (a link inside the archive): its events would count twice', async ({ tmp }) => {
    const root = await writeArchive(tmp, { [DAY]: machines(3, 'in-') });
    folders.push(root);
    await symlink('events.ndjson', join(root, `date=${DAY}`, 'again.ndjson'));
    await expect(build(root, { k: '2' })).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringMatching(/again\.ndjson and .*events\.ndjson are the same file/),
    });
  });

  it('follows a link inside the archive, and an archive root that is itself a link', async ({ tmp }) => {
    const real = await writeArchive(tmp, { [DAY]: machines(3, 'in-') });
    folders.push(real);
    await mkdir(join(real, 'shared'));
    await writeFile(join(real, 'shared', 'more.ndjson'), lines('more-', 2));
    await symlink(join('..', 'shared', 'more.ndjson'), join(real, `date=${DAY}`, 'more.ndjson'));
    const alias = join(await folder('tp-alias-'), 'archive');
    await symlink(real, alias);
    const built = await build(alias, { k: '2' });
    expect(built.events.eventsRead).toBe(5);
    expect(built.inputs.map((input) => input.path)).toEqual([`date=${DAY}/events.ndjson`, `date=${DAY}/more.ndjson`]);
  });
});

describe('names in messages and logs', () => {
  it('refuses a file name that is not UTF-8, naming its folder', async ({ tmp }) => {
    const root = await writeArchive(tmp, { [DAY]: machines(3, 'in-') });
    folders.push(root);
    const folderBytes = Buffer.from(join(root, `date=${DAY}`, '/'));
    await writeFile(Buffer.concat([folderBytes, Buffer.from([0x66, 0xff, 0x2e]), Buffer.from('ndjson')]), lines('x-'));
    await expect(build(root, { k: '2' })).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringMatching(/date=2026-07-01 holds a file whose name is not valid UTF-8/),
    });
  });

  it('a file name holding a newline cannot forge a log line', async ({ tmp }) => {
    const root = await writeArchive(tmp, { [DAY]: machines(3, 'in-') });
    const target = await folder('tp-target-');
    folders.push(root);
    const forged = '\n2026-10-02T06:15:00.000Z info published quarter';
    await writeFile(join(root, `date=${DAY}`, `x${forged}.txt`), 'not data');
    await symlink(join(root, 'nowhere'), join(root, `date=${DAY}`, `y${forged}.ndjson`));
    const run = await cli(['publish', '--archive', root, '--target', target, '--quarter', '2026-Q3', '--k', '2']);
    expect(run.code).toBe(4);
    expect(run.log.some((line) => line.includes('unknown extension') && line.includes('\\n2026-10-02'))).toBe(true);
    expect(run.log.some((line) => line.includes('does not exist') && line.includes('y\\n2026-10-02'))).toBe(true);
    for (const line of run.log) expect(line).not.toMatch(/[\n\r]/);
  });
});
