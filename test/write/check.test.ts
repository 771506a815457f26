import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMemoryLogger } from '../../src/core/log.js';
import type { Duck } from '../../src/engine/duck.js';
import type { ProtectedDataset } from '../../src/protect/protect.js';
import { loadDataset } from '../../src/query/dataset.js';
import { checkPublishedFile } from '../../src/write/check.js';
import { writeDatasetTsv } from '../../src/write/tsv.js';
import { machines } from '../helpers/archive.js';
import { ingestInto, queryAndProtect, writeArchive } from '../helpers/build.js';
import { describe, expect, it, test } from '../helpers/fixtures.js';

// The independent check is the last gate: these tests tamper with a file the engine wrote and expect
// the check to notice. If the check could not fail, these tests would.
describe('the independent privacy check', () => {
  let duck: Duck;
  let result: ProtectedDataset;
  let path: string;
  let original: string;

  test.beforeEach(async ({ tmp, duck: fresh }) => {
    const archive = await writeArchive(tmp, {
      '2026-07-01': [
        ...machines(6, 'a'),
        ...machines(5, 'b', { command: 'run' }),
        ...machines(2, 'c', { command: 'test' }),
      ],
    });
    duck = await ingestInto(fresh, archive, ['2026-07-01']);
    result = await queryAndProtect(duck, await loadDataset('cli-usage'), { k: 5, cap: 100 }, createMemoryLogger());
    path = join(tmp, 'cli-usage.tsv');
    await writeDatasetTsv(duck, result, path);
    original = await readFile(path, 'utf8');
  });

  it('passes the file the engine wrote', async () => {
    expect(await checkPublishedFile(duck, result, path)).toEqual([]);
  });

  it('catches a row under k', async () => {
    // The two `test` machines ended in a suppressed row; publishing it anyway must be caught.
    const [suppressed] = await duck.all<Record<string, string>>(
      `SELECT * FROM ${result.tables.rows} WHERE NOT _published`,
    );
    expect(suppressed?._machines).toBe('2');
    const columns = result.dataset.columns.map((column) =>
      column.name === 'Occurrences' ? suppressed!._value : suppressed![column.name],
    );
    await writeFile(path, `${original}${columns.join('\t')}\n`);
    const violations = await checkPublishedFile(duck, result, path);
    expect(violations.map((violation) => violation.rule)).toContain('under_k');
  });

  it('catches a changed value, a duplicated row, a wrong header and an unknown row', async () => {
    const [header, first, ...rest] = original.trimEnd().split('\n');
    const changed = first!.replace(/\t6\t/, '\t7\t');
    const unknown = first!.replace('build', 'never-seen');
    await writeFile(
      path,
      `${[header!.replace('Command', 'Cmd'), changed, first, first, unknown, ...rest].join('\n')}\n`,
    );
    const rules = new Set((await checkPublishedFile(duck, result, path)).map((violation) => violation.rule));
    expect(rules).toEqual(new Set(['header', 'value_mismatch', 'duplicate_key', 'unknown_row']));
  });

  it('catches an identifier in a published cell', async () => {
    await writeFile(path, original.replace('United Kingdom', '81.2.69'));
    const rules = (await checkPublishedFile(duck, result, path)).map((violation) => violation.rule);
    expect(rules).toContain('identifier_leak');
  });
});
