import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMemoryLogger } from '../../../src/core/log.js';
import { parsePublicationLog, publishRelease, readCatalog } from '../../../src/publish/catalog/index.js';
import { LocalStore } from '../../../src/publish/store/local.js';
import {
  expectCatalogInvariants,
  fixedClock,
  makeRelease,
  publishLocked,
  quietLogger,
  snapshot,
  writeLicense,
} from '../../helpers/catalog-fixture.js';
import { describe, expect, it, test } from '../../helpers/fixtures.js';

let work: string;
let store: LocalStore;
let licensePath: string;
const Q3 = { year: 2026, quarter: 3 } as const;
const Q4 = { year: 2026, quarter: 4 } as const;
const T1 = '2026-10-02T03:00:00.000Z';
const T2 = '2027-01-02T03:00:00.000Z';
const T3 = '2027-01-09T03:00:00.000Z';

test.beforeEach(async ({ tmp }) => {
  work = tmp;
  store = new LocalStore(join(work, 'target'));
  licensePath = await writeLicense(join(work, 'license'));
});

const options = (now: string, extra: Partial<Parameters<typeof publishRelease>[2]> = {}) => ({
  logger: quietLogger,
  dryRun: false,
  licensePath,
  now: fixedClock(now),
  runId: `run-${now}`,
  ...extra,
});

describe('a first publication', () => {
  it('uploads data, reports, licence and latest copy, then the catalog, and logs every object written', async () => {
    const logger = createMemoryLogger();
    const release = await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]);
    const outcome = await publishLocked(store, release, options(T1, { logger }));

    const keys = outcome.written.map((object) => object.key);
    expect(keys.slice(0, 3).sort()).toEqual([
      'DATA_LICENSE.md',
      'cli-usage-2026-q3.privacy.json',
      'cli-usage-2026-q3.tsv',
    ]);
    expect(keys.slice(3, 10).sort()).toEqual([
      'CHANGELOG.md',
      'README.md',
      'SHA256SUMS',
      'catalog.jsonld',
      'datapackage.json',
      'datasets/cli-usage.html',
      'index.html',
    ]);
    expect(keys[10]).toBe('index.json'); // after everything it names: readers start from it
    expect(keys[11]).toBe('cli-usage-latest.tsv'); // after index.json: it only ever holds a listed quarter
    expect(outcome.catalogChanged).toBe(true);
    expect(outcome.urls['cli-usage-2026-q3.tsv']).toBe(join(store.root, 'cli-usage-2026-q3.tsv'));

    // One log line per object, with key, bytes and sha256, and the same in the publication log.
    const file = release.files[0]!;
    expect(logger.lines).toContainEqual(
      expect.stringContaining(`wrote object key=cli-usage-2026-q3.tsv bytes=${file.bytes} sha256=${file.sha256}`),
    );
    expect(logger.lines.filter((line) => line.includes('wrote object'))).toHaveLength(12);
    const log = parsePublicationLog((await store.getBytes('publication-log.ndjson'))!.toString());
    expect(log.map((record) => record.key)).toEqual(keys);
    expect(log[0]).toMatchObject({ time: T1, runId: `run-${T1}` });

    const catalog = await expectCatalogInvariants(store, ['cli-usage 2026-Q3']);
    expect(catalog?.datasets[0]).toMatchObject({
      name: 'cli-usage',
      latest: {
        quarter: '2026-Q3',
        key: 'cli-usage-2026-q3.tsv',
        alias: { key: 'cli-usage-latest.tsv', url: 'cli-usage-latest.tsv' },
      },
      quarters: [
        {
          quarter: '2026-Q3',
          start: '2026-07-01',
          end: '2026-09-30',
          key: file.key,
          url: file.key,
          bytes: file.bytes,
          sha256: file.sha256,
          rows: 3,
          schemaVersion: 1,
          firstPublished: T1,
          lastRevised: T1,
          revision: 1,
          privacy: { k: 10 },
          privacyReport: { key: 'cli-usage-2026-q3.privacy.json', sha256: file.privacyReport.sha256 },
        },
      ],
    });
    expect(catalog?.license).toMatchObject({
      id: 'CC-BY-4.0',
      url: 'https://creativecommons.org/licenses/by/4.0/',
      file: { key: 'DATA_LICENSE.md' },
    });
    expect(catalog?.changelog).toEqual([expect.objectContaining({ kind: 'published', quarter: '2026-Q3', time: T1 })]);
    expect(await store.head('.publish-lock.json')).toBeUndefined();
  });

  it('sets Content-Type, Cache-Control and the licence on every object', async () => {
    await publishLocked(store, await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]), options(T1));
    const expected: Record<string, [string, string]> = {
      'cli-usage-2026-q3.tsv': ['text/tab-separated-values; charset=utf-8', 'public, max-age=86400'],
      'cli-usage-2026-q3.privacy.json': ['application/json', 'public, max-age=86400'],
      'DATA_LICENSE.md': ['text/markdown; charset=utf-8', 'public, max-age=86400'],
      'cli-usage-latest.tsv': ['text/tab-separated-values; charset=utf-8', 'no-cache'],
      'index.json': ['application/json', 'no-cache'],
      'datapackage.json': ['application/json', 'no-cache'],
      SHA256SUMS: ['text/plain; charset=utf-8', 'no-cache'],
      'README.md': ['text/markdown; charset=utf-8', 'no-cache'],
      'CHANGELOG.md': ['text/markdown; charset=utf-8', 'no-cache'],
      'publication-log.ndjson': ['application/x-ndjson', 'no-cache'],
    };
    for (const [key, [contentType, cacheControl]] of Object.entries(expected)) {
      expect(await store.head(key), key).toMatchObject({
        contentType,
        cacheControl,
        metadata: { license: 'CC-BY-4.0', 'license-url': 'https://creativecommons.org/licenses/by/4.0/' },
      });
    }
  });

  it('writes absolute URLs when a public base URL is set', async () => {
    const outcome = await publishLocked(
      store,
      await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]),
      options(T1, { publicBaseUrl: 'https://data.example.org/usage/' }),
    );
    expect(outcome.urls['cli-usage-2026-q3.tsv']).toBe('https://data.example.org/usage/cli-usage-2026-q3.tsv');
    const catalog = await readCatalog(store);
    expect(catalog?.datasets[0]?.quarters[0]?.url).toBe('https://data.example.org/usage/cli-usage-2026-q3.tsv');
    expect(catalog?.datasets[0]?.latest.alias.url).toBe('https://data.example.org/usage/cli-usage-latest.tsv');
  });
});

describe('reruns and later releases', () => {
  it('uploads nothing on a rerun of the same release, says so, and leaves every byte as it was', async () => {
    const release = await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]);
    await publishLocked(store, release, options(T1));
    const before = await snapshot(store);
    const logBefore = await store.getBytes('publication-log.ndjson');
    const logger = createMemoryLogger();
    const outcome = await publishLocked(store, release, options(T3, { logger }));
    expect(outcome.written).toEqual([]);
    expect(outcome.catalogChanged).toBe(false);
    expect(outcome.unchanged).toHaveLength(12);
    expect(logger.lines).toContainEqual(
      expect.stringContaining('nothing to upload: every object is already in the target with the same sha256'),
    );
    expect(await snapshot(store)).toEqual(before);
    expect(await store.getBytes('publication-log.ndjson')).toEqual(logBefore);
  });

  it('adds a quarter without dropping the others and moves the latest copy to it', async () => {
    const r1 = await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]);
    await publishLocked(store, r1, options(T1));
    const r2 = await makeRelease(join(work, 'r2'), [{ quarter: Q4, rows: 5 }]);
    const outcome = await publishLocked(store, r2, options(T2));
    expect(outcome.written.map((object) => object.key)).not.toContain('cli-usage-2026-q3.tsv');
    expect(outcome.unchanged).toContain('DATA_LICENSE.md');
    const catalog = await expectCatalogInvariants(store, ['cli-usage 2026-Q3', 'cli-usage 2026-Q4']);
    const [q3, q4] = catalog!.datasets[0]!.quarters;
    expect(q3).toMatchObject({ quarter: '2026-Q3', firstPublished: T1, lastRevised: T1, sha256: r1.files[0]!.sha256 });
    expect(q4).toMatchObject({ quarter: '2026-Q4', firstPublished: T2, rows: 5 });
    expect(catalog!.datasets[0]!.latest.quarter).toBe('2026-Q4');
    expect(await store.getBytes('cli-usage-latest.tsv')).toEqual(await readFile(r2.files[0]!.localPath));
    expect(catalog!.updated).toBe(T2);
  });

  it('keeps firstPublished and records a revision when a quarter file changes, never silently', async () => {
    await publishLocked(store, await makeRelease(join(work, 'r1'), [{ quarter: Q3 }, { quarter: Q4 }]), options(T1));
    const note = { dataset: 'cli-usage', quarter: Q3, day: '2026-07-02', message: 'late events from 2026-07-02 added' };
    const revised = await makeRelease(join(work, 'r2'), [{ quarter: Q3, version: 2 }], [note]);
    await publishLocked(store, revised, options(T2));
    await publishLocked(store, revised, options(T3)); // a rerun adds no second changelog entry

    const catalog = await expectCatalogInvariants(store, ['cli-usage 2026-Q3', 'cli-usage 2026-Q4']);
    const q3 = catalog!.datasets[0]!.quarters[0]!;
    expect(q3).toMatchObject({ firstPublished: T1, lastRevised: T2, revision: 2, sha256: revised.files[0]!.sha256 });
    expect(catalog!.datasets[0]!.latest.quarter).toBe('2026-Q4'); // revising an older quarter does not move latest
    expect(catalog!.changelog.map((change) => [change.kind, change.quarter, change.time])).toEqual([
      ['published', '2026-Q3', T1],
      ['published', '2026-Q4', T1],
      ['revised', '2026-Q3', T2],
      ['note', '2026-Q3', T2],
    ]);
    const changelog = (await store.getBytes('CHANGELOG.md'))!.toString();
    expect(changelog).toContain('- **cli-usage 2026-Q3** (day 2026-07-02), note: late events from 2026-07-02 added');
    expect(changelog.indexOf('## 2027-01-02')).toBeLessThan(changelog.indexOf('## 2026-10-02'));
  });

  it('refuses to write a catalog while a listed quarter is missing from the target, and leaves the catalog as it was', async () => {
    await publishLocked(store, await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]), options(T1));
    const indexBefore = await store.getBytes('index.json');
    await store.delete('cli-usage-2026-q3.tsv');
    await expect(
      publishLocked(store, await makeRelease(join(work, 'r2'), [{ quarter: Q4 }]), options(T2)),
    ).rejects.toMatchObject({
      code: 'E_STORE',
      message: expect.stringContaining(`${join(store.root, 'cli-usage-2026-q3.tsv')} (missing)`),
    });
    expect(await store.getBytes('index.json')).toEqual(indexBefore);
  });

  it('never overwrites an index.json it cannot parse', async () => {
    await store.putBytes('index.json', '{"catalogVersion": 1, "datasets": [', { contentType: 'application/json' });
    await expect(
      publishLocked(store, await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]), options(T1)),
    ).rejects.toMatchObject({
      code: 'E_STORE',
      message: expect.stringMatching(
        /index\.json is not a catalog this publisher can merge \(invalid JSON.*refusing to overwrite it/,
      ),
    });
    expect((await store.getBytes('index.json'))!.toString()).toBe('{"catalogVersion": 1, "datasets": [');
  });

  it('re-uploads an object whose bytes were changed behind its back, even if the size is the same', async () => {
    const release = await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]);
    await publishLocked(store, release, options(T1));
    const original = await readFile(release.files[0]!.localPath, 'utf8');
    await writeFile(join(store.root, 'cli-usage-2026-q3.tsv'), original.replace('build-0', 'build-X'));
    const outcome = await publishLocked(store, release, options(T1));
    expect(outcome.written.map((object) => object.key)).toEqual(['cli-usage-2026-q3.tsv']);
    await expectCatalogInvariants(store, ['cli-usage 2026-Q3']);
  });
});

describe('dry run', () => {
  it('writes nothing, takes no lock, and reports what it would write', async () => {
    const logger = createMemoryLogger();
    const outcome = await publishRelease(
      store,
      await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]),
      options(T1, { logger, dryRun: true }),
    );
    expect(outcome.written.map((object) => object.key)).toContain('index.json');
    expect(outcome.catalogChanged).toBe(true);
    expect(logger.lines.filter((line) => line.includes('dry run: would write object'))).toHaveLength(12);
    expect(await readdir(work)).not.toContain('target');
  });
});

describe('release checks', () => {
  it('refuses keys that collide with each other, the catalog or a latest copy', async () => {
    const release = await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]);
    const file = release.files[0]!;
    const cases: Array<[Partial<typeof file>, RegExp]> = [
      [{ key: 'index.json' }, /key "index\.json" is reserved for the catalog/],
      [{ key: 'cli-usage-latest.tsv' }, /reserved for the latest copy of dataset "cli-usage"/],
      [{ key: file.privacyReport.key }, /have the same key "cli-usage-2026-q3\.privacy\.json"/],
      [{ key: '../escape.tsv' }, /must not contain an empty, '\.' or '\.\.' segment/],
      [{ sha256: 'ABC' }, /sha256 of cli-usage-2026-q3\.tsv must be 64 lower-case hex digits/],
      [{ dataset: 'CLI usage' }, /dataset name must match/],
    ];
    for (const [change, message] of cases) {
      await expect(
        publishLocked(store, { ...release, files: [{ ...file, ...change }] }, options(T1)),
      ).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(message) });
    }
    await expect(publishLocked(store, { ...release, files: [file, file] }, options(T1))).rejects.toThrow(
      /appears twice in the release/,
    );
  });

  it('refuses a local file that changed after the release described it', async () => {
    const release = await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]);
    await writeFile(release.files[0]!.localPath, 'tampered\n');
    await expect(publishLocked(store, release, options(T1))).rejects.toMatchObject({
      code: 'E_INTERNAL',
      message: expect.stringContaining('it changed after it was written'),
    });
    expect(await store.head('index.json')).toBeUndefined();
  });
});

describe('catalog files', () => {
  it('describe the files as a Frictionless tabular package with a TSV dialect and typed fields', async () => {
    await publishLocked(store, await makeRelease(join(work, 'r1'), [{ quarter: Q3 }, { quarter: Q4 }]), options(T1));
    const datapackage = JSON.parse((await store.getBytes('datapackage.json'))!.toString());
    expect(datapackage.licenses).toEqual([
      {
        name: 'CC-BY-4.0',
        path: 'https://creativecommons.org/licenses/by/4.0/',
        title: 'Creative Commons Attribution 4.0 International',
      },
    ]);
    expect(datapackage.resources).toHaveLength(2);
    expect(datapackage.resources[0]).toMatchObject({
      name: 'cli-usage-2026-q3',
      profile: 'tabular-data-resource',
      type: 'table',
      path: 'cli-usage-2026-q3.tsv',
      format: 'csv',
      mediatype: 'text/tab-separated-values',
      encoding: 'utf-8',
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      dialect: { delimiter: '\t', header: true, lineTerminator: '\n', quoteChar: '"', doubleQuote: false },
      schema: {
        fields: [
          { name: 'Timestamp', type: 'date' },
          { name: 'Occurrences', type: 'integer' },
          { name: 'Command', type: 'string' },
        ],
      },
    });
  });

  it('document every column (meaning, type, derivation) and give a DuckDB example that runs', async ({ duck }) => {
    await publishLocked(store, await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]), options(T1));
    const readme = (await store.getBytes('README.md'))!.toString();
    expect(readme).toContain(
      '| `Command` | string | CLI command \\| verb invoked. | The event command; rare commands become Other. |',
    );
    expect(readme).toContain(
      '| `Timestamp` | date | UTC day of the invocations (YYYY-MM-DD). | The event timestamp truncated to the UTC day. |',
    );
    expect(readme).toContain('[cli-usage-latest.tsv](cli-usage-latest.tsv)');
    expect(readme).toContain(
      'Privacy (2026-Q3): every row rests on at least k=10 distinct machines; one machine adds at most 100 to a row; 3 rows published, 1 suppressed.',
    );
    const sql = /```sql\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(sql).toBeDefined();
    const rows = await duck.all<{ Command: string; occurrences: string }>(
      sql!.replace("'cli-usage-2026-q3.tsv'", `'${join(store.root, 'cli-usage-2026-q3.tsv')}'`).replace(/;$/, ''),
    );
    expect(rows.map((row) => [row.Command, Number(row.occurrences)])).toEqual([
      ['build-2', 1012],
      ['build-1', 1011],
      ['build-0', 1010],
    ]);
  });

  it('list every published object in SHA256SUMS in sha256sum -c format', async () => {
    const release = await makeRelease(join(work, 'r1'), [{ quarter: Q3 }]);
    await publishLocked(store, release, options(T1));
    const sums = (await store.getBytes('SHA256SUMS'))!.toString();
    const file = release.files[0]!;
    expect(
      sums
        .trimEnd()
        .split('\n')
        .map((line) => line.split('  ')[1]),
    ).toEqual(['DATA_LICENSE.md', 'cli-usage-2026-q3.privacy.json', 'cli-usage-2026-q3.tsv']);
    expect(sums).toContain(`${file.sha256}  cli-usage-2026-q3.tsv\n`);
  });
});
