import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type Duck, openDuck } from '../../src/engine/duck.js';
import { writeTsv } from '../../src/write/tsv.js';
import { folderIn } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';

// The published format, byte for byte: one header row, tab-separated, LF line ends, never quoted, NULL
// as empty, rows sorted by the given columns whatever order the select returns them in.
describe('the TSV writer', () => {
  let duck: Duck;
  beforeAll(async () => {
    duck = await openDuck();
    await duck.run(`
      CREATE TABLE t AS SELECT * FROM (VALUES
        ('2026-07-02', 'run', 'say "hi", then go', '12'),
        ('2026-07-01', 'test', NULL, '3'),
        ('2026-07-01', 'build', 'a;b', '7'),
        ('2026-07-02', 'build', '''quoted''', '10')
      ) v("Timestamp", "Command", "Note", "Occurrences")`);
  });
  afterAll(() => duck.close());

  it('writes the header, sorted rows, raw values and empty NULLs, nothing else', async ({ tmp }) => {
    const path = join(await folderIn(tmp), 'out.tsv');
    await writeTsv(duck, 'SELECT "Timestamp", "Occurrences", "Command", "Note" FROM t', ['Timestamp', 'Command'], path);
    expect(await readFile(path, 'utf8')).toBe(
      [
        'Timestamp\tOccurrences\tCommand\tNote',
        '2026-07-01\t7\tbuild\ta;b',
        '2026-07-01\t3\ttest\t',
        "2026-07-02\t10\tbuild\t'quoted'",
        '2026-07-02\t12\trun\tsay "hi", then go',
        '',
      ].join('\n'),
    );
  });

  it('writes the same bytes on a rerun', async ({ tmp }) => {
    const dir = await folderIn(tmp);
    const select = 'SELECT * FROM t';
    await writeTsv(duck, select, ['Timestamp', 'Command'], join(dir, 'a.tsv'));
    await writeTsv(duck, select, ['Timestamp', 'Command'], join(dir, 'b.tsv'));
    expect(await readFile(join(dir, 'b.tsv'))).toEqual(await readFile(join(dir, 'a.tsv')));
  });
});
