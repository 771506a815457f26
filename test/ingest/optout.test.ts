// The opt-out file's rule: one id a line, surrounding whitespace ignored, `#` at the line start or after
// whitespace starts a comment; a line with whitespace inside its id is refused rather than matching nothing.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readOptOut } from '../../src/ingest/optout.js';
import { machines } from '../helpers/archive.js';
import { build, folderIn, writeArchive } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';

async function optOutFile(tmp: string, text: string): Promise<string> {
  const path = join(await folderIn(tmp, 'tp-optout-'), 'opt-out.txt');
  await writeFile(path, text);
  return path;
}

describe('readOptOut', () => {
  it('strips inline comments and whitespace, skips blank and comment lines, keeps # inside an id', async ({ tmp }) => {
    const path = await optOutFile(
      tmp,
      '\uFEFF# machines that asked to be left out\r\nm1  # asked by mail\n\t m2\t\n\nm3\t# tab before the comment\nid#4\n   # indented comment\nm1\n',
    );
    expect(await readOptOut(path)).toEqual(['m1', 'm2', 'm3', 'id#4']);
  });

  it('refuses a line with whitespace inside the id, naming the file and line but not the id', async ({ tmp }) => {
    const path = await optOutFile(tmp, 'm1\nsecret-machine other-machine\n');
    const error = (await readOptOut(path).catch((caught: unknown) => caught)) as Error & { code: string };
    expect(error).toMatchObject({ code: 'E_CONFIG' });
    expect(error.message).toBe(
      `opt-out file ${path}, line 2: whitespace inside the machine id; write one id a line (a comment starts with # after whitespace)`,
    );
    expect(error.message).not.toContain('secret-machine');
  });

  it('excludes a machine listed with an inline comment from every row', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      '2026-07-01': [...machines(5, 'm'), ...machines(1, 'opted-', { command: 'run' })],
    });
    const optOut = await optOutFile(tmp, 'opted-0   # asked on 2026-07-02\n');
    const built = await build(archive, { k: '5', optOut });
    expect(built.events.excludedOptOut).toBe(1);
  });
});
