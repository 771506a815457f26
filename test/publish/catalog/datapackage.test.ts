import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import dataPackage from 'datapackage';
import { main } from '../../../src/cli.js';
import { createMemoryLogger } from '../../../src/core/log.js';
import { machines } from '../../helpers/archive.js';
import { folderIn, parseTsv, writeArchive } from '../../helpers/build.js';
import { describe, expect, it } from '../../helpers/fixtures.js';

// The catalog of a real publication: index.json links every catalog object and each quarter's copies and
// input manifest; SHA256SUMS lists them; datapackage.json reads in datapackage-js (frictionless-py is not
// installable here: Python's csv module, which frictionless builds on, reads the TSV with its default
// quoting instead) and every tabular resource gives the TSV's rows.
const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

async function published(tmp: string): Promise<string> {
  const archive = await writeArchive(tmp, {
    '2026-07-01': [
      ...machines(3, 'a-'),
      ...machines(3, 'b-', { command: 'say "hi"', os_version: '10.10' }),
      ...machines(3, 'c-', { command: 'run' }),
    ],
  });
  const target = await folderIn(tmp, 'target-');
  const code = await main(
    ['publish', '--archive', archive, '--target', target, '--quarter', '2026-Q3', '--dataset', 'cli-usage', '--k', '3'],
    createMemoryLogger(),
    { write: () => true } as unknown as NodeJS.WritableStream,
  );
  expect(code).toBe(0);
  return target;
}

describe('the published catalog', () => {
  it('links every catalog object, each quarter its copies and input manifest, all checksummed', async ({ tmp }) => {
    const target = await published(tmp);
    const index = JSON.parse(await readFile(join(target, 'index.json'), 'utf8'));
    expect(index.links).toEqual({
      datapackage: { key: 'datapackage.json', url: 'datapackage.json' },
      sha256sums: { key: 'SHA256SUMS', url: 'SHA256SUMS' },
      readme: { key: 'README.md', url: 'README.md' },
      changelog: { key: 'CHANGELOG.md', url: 'CHANGELOG.md' },
      license: { key: 'DATA_LICENSE.md', url: 'DATA_LICENSE.md' },
      page: { key: 'index.html', url: 'index.html' },
      dcat: { key: 'catalog.jsonld', url: 'catalog.jsonld' },
      inputs: { prefix: 'inputs/', url: 'inputs/' },
    });
    for (const link of Object.values(index.links) as Array<{ key?: string; prefix?: string }>)
      expect(existsSync(join(target, link.key ?? link.prefix!)), link.key ?? link.prefix).toBe(true);
    const quarter = index.datasets[0].quarters[0];
    expect(quarter.inputManifest.key).toBe('inputs/cli-usage-2026-q3.json');
    expect(
      quarter.formats.map((copy: { format: string; key: string; mediatype: string }) => [
        copy.format,
        copy.key,
        copy.mediatype,
      ]),
    ).toEqual([
      ['parquet', 'cli-usage-2026-q3.parquet', 'application/vnd.apache.parquet'],
      ['tsv.gz', 'cli-usage-2026-q3.tsv.gz', 'application/gzip'],
    ]);
    const sums = await readFile(join(target, 'SHA256SUMS'), 'utf8');
    for (const object of [quarter, quarter.inputManifest, ...quarter.formats]) {
      expect(sums).toContain(`${object.sha256}  ${object.key}\n`);
      expect((await readFile(join(target, object.key))).byteLength).toBe(object.bytes);
    }
  });

  it('datapackage.json is valid for datapackage-js and every tabular resource reads as the TSV rows', async ({
    tmp,
  }) => {
    const target = await published(tmp);
    const descriptor = JSON.parse(await readFile(join(target, 'datapackage.json'), 'utf8'));
    expect(descriptor).toMatchObject({
      version: expect.any(String),
      homepage: expect.any(String),
      sources: [expect.anything()],
    });
    const tsvResource = descriptor.resources.find((resource: { path: string }) => resource.path.endsWith('.tsv'));
    expect(tsvResource.schema.primaryKey).toEqual([
      'Timestamp',
      'Command',
      'Geography',
      'OSFamily',
      'RuntimeID',
      'OSVersion',
      'SDKVersion',
    ]);
    expect(tsvResource.dialect).toMatchObject({ delimiter: '\t', quoteChar: '"' });
    const pkg = await dataPackage.Package.load(join(target, 'datapackage.json'));
    expect(pkg.errors.map((error: Error) => error.message)).toEqual([]);
    expect(pkg.valid).toBe(true);
    const tsv = parseTsv(await readFile(join(target, 'cli-usage-2026-q3.tsv'), 'utf8'));
    const tabular = pkg.resources.filter((resource: { tabular: boolean }) => resource.tabular);
    expect(tabular.length).toBeGreaterThan(0);
    for (const resource of tabular) {
      const rows = (await resource.read({ keyed: true, cast: false })) as Array<Record<string, string>>;
      expect(rows).toEqual(tsv);
    }
    expect(tsv.map((row) => row.Command).sort()).toEqual(['build', 'run', "say 'hi'"]);
  });

  it("Python's csv module, with its default quote handling, reads the TSV's rows", async ({ tmp }) => {
    if (!existsSync(PYTHON)) {
      if (process.env.CI) throw new Error('CI must install python3');
      console.warn('skipping: /usr/bin/python3 is not installed');
      return;
    }
    const target = await published(tmp);
    const path = join(target, 'cli-usage-2026-q3.tsv');
    const code =
      'import csv, json, sys\nprint(json.dumps(list(csv.DictReader(open(sys.argv[1], newline=""), delimiter="\\t"))))';
    const { stdout } = await run(PYTHON, ['-c', code, path]);
    expect(JSON.parse(stdout)).toEqual(parseTsv(await readFile(path, 'utf8')));
  });
});
