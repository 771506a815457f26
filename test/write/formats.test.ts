import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { main } from '../../src/cli.js';
import { createMemoryLogger } from '../../src/core/log.js';
import type { ColumnSpec } from '../../src/core/release.js';
import { type Duck, openDuck } from '../../src/engine/duck.js';
import { copyKey, copyProblems, writeGzip, writeParquet } from '../../src/write/formats.js';
import { writeTsv } from '../../src/write/tsv.js';
import { machines } from '../helpers/archive.js';
import { build, folderIn, writeArchive } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';

// The copies beside every TSV: Parquet with the declared types (never inferred), gzip of the TSV's own
// bytes; both the same on a rerun, both read back against the TSV before anything is published.
const COLUMNS: ColumnSpec[] = [
  { name: 'Timestamp', type: 'date', description: '' },
  { name: 'Occurrences', type: 'integer', description: '' },
  { name: 'Command', type: 'string', description: '' },
  { name: 'OSVersion', type: 'string', description: '' },
];
const SELECT = 'SELECT "Timestamp", "Occurrences", "Command", "OSVersion" FROM t';
const ORDER = ['Timestamp', 'Command', 'OSVersion'];

describe('the format copies', () => {
  let duck: Duck;
  beforeAll(async () => {
    duck = await openDuck();
    // More rows than one row group, in no particular order, versions that look like numbers.
    await duck.run(`
      CREATE TABLE t AS SELECT
        strftime(DATE '2026-07-01' + (i % 92)::INTEGER, '%Y-%m-%d') AS "Timestamp",
        (i * 7 % 1000)::VARCHAR AS "Occurrences",
        'cmd' || (i % 37) AS "Command",
        (i % 23)::VARCHAR || '.04' AS "OSVersion"
      FROM range(130000) r(i) WHERE i % 2 = 1 UNION ALL SELECT '2026-07-01', '1', 'a', '22.04'`);
  });
  afterAll(() => duck.close());

  async function writeAll(dir: string) {
    const tsv = join(dir, 'q.tsv');
    await writeTsv(duck, SELECT, ORDER, tsv);
    await writeParquet(duck, SELECT, COLUMNS, ORDER, join(dir, copyKey('q.tsv', 'parquet')));
    await writeGzip(tsv, join(dir, copyKey('q.tsv', 'tsv.gz')));
    return { tsv, parquet: join(dir, 'q.parquet'), gzip: join(dir, 'q.tsv.gz') };
  }

  it('hold exactly the TSV rows, Parquet typed as declared, gzip the TSV byte for byte', async ({ tmp }) => {
    const files = await writeAll(await folderIn(tmp));
    expect(gunzipSync(await readFile(files.gzip))).toEqual(await readFile(files.tsv));
    const schema = await duck.all<{ column_name: string; column_type: string }>(
      `SELECT name AS column_name, type AS column_type FROM parquet_schema($path) WHERE num_children IS NULL`,
      { path: files.parquet },
    );
    expect(schema.map((column) => `${column.column_name} ${column.column_type}`)).toEqual([
      'Timestamp INT32',
      'Occurrences INT64',
      'Command BYTE_ARRAY',
      'OSVersion BYTE_ARRAY',
    ]);
    expect(await copyProblems(duck, COLUMNS, files.tsv, { format: 'parquet', path: files.parquet })).toEqual([]);
    expect(await copyProblems(duck, COLUMNS, files.tsv, { format: 'tsv.gz', path: files.gzip })).toEqual([]);
  });

  it('are the same bytes on a rerun', async ({ tmp }) => {
    const a = await writeAll(await folderIn(tmp, 'a-'));
    const b = await writeAll(await folderIn(tmp, 'b-'));
    expect(await readFile(b.parquet)).toEqual(await readFile(a.parquet));
    expect(await readFile(b.gzip)).toEqual(await readFile(a.gzip));
  });

  it('a copy with a row more, a row less, a changed value or another schema is refused', async ({ tmp }) => {
    const dir = await folderIn(tmp);
    const files = await writeAll(dir);
    const tsv = await readFile(files.tsv, 'utf8');
    const lines = tsv.split('\n');
    const variants = {
      extra: `${tsv}2026-07-01\t5\tcmd0\t0.04\n`,
      missing: `${lines.slice(0, -2).join('\n')}\n`,
      changed: tsv.replace('\tcmd0\t', '\tcmd1\t'),
    };
    for (const [name, text] of Object.entries(variants)) {
      const path = join(dir, `${name}.tsv`);
      await writeFile(path, text);
      await writeGzip(path, `${path}.gz`);
      const problems = await copyProblems(duck, COLUMNS, files.tsv, { format: 'tsv.gz', path: `${path}.gz` });
      expect(problems.length, name).toBeGreaterThan(0);
    }
    const untyped = join(dir, 'untyped.parquet');
    await duck.run(`COPY (${SELECT} ORDER BY ALL) TO $path (FORMAT parquet)`, { path: untyped });
    expect(await copyProblems(duck, COLUMNS, files.tsv, { format: 'parquet', path: untyped })).toEqual([
      expect.stringContaining('schema is (Timestamp VARCHAR, Occurrences VARCHAR'),
    ]);
  });
});

describe('a built dataset', () => {
  it('lists its Parquet and gzip copies, checksummed', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { '2026-07-01': machines(3, 'a-') });
    const built = await build(archive, { k: '3' });
    const file = built.datasets[0]!.file;
    expect(file.formats?.map((copy) => [copy.format, copy.key, copy.contentType])).toEqual([
      ['parquet', 'cli-usage-2026-q3.parquet', 'application/vnd.apache.parquet'],
      ['tsv.gz', 'cli-usage-2026-q3.tsv.gz', 'application/gzip'],
    ]);
    expect(gunzipSync(await readFile(file.formats![1]!.localPath)).toString('utf8')).toBe(built.tsv);
  });

  it('publishes the copies beside the TSV', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { '2026-07-01': machines(3, 'a-') });
    const target = await folderIn(tmp, 'target-');
    const args = [
      'publish',
      '--archive',
      archive,
      '--target',
      target,
      '--quarter',
      '2026-Q3',
      '--dataset',
      'cli-usage',
    ];
    const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
    expect(await main([...args, '--k', '3'], createMemoryLogger(), quiet)).toBe(0);
    expect((await readFile(join(target, 'cli-usage-2026-q3.parquet'))).subarray(0, 4).toString()).toBe('PAR1');
  });
});
