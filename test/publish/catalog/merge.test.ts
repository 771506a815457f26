import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DatasetFile, Quarter, ReleaseWithChangelog } from '../../../src/core/release.js';
import { type Catalog, parseCatalog, renderCatalog } from '../../../src/publish/catalog/index.js';
import { mergeCatalog } from '../../../src/publish/catalog/merge.js';
import { COLUMNS } from '../../helpers/catalog-fixture.js';

/**
 * Properties of the merge over arbitrary sequences of releases: the catalog never loses an entry,
 * dates and revisions follow the sha256, the changelog only grows, and a rerun changes nothing.
 */
const hex = (seed: string): string => Buffer.from(seed.padEnd(32, '.').slice(0, 32)).toString('hex');

const fileArbitrary = fc.record({
  dataset: fc.constantFrom('cli-usage', 'sdk-installs'),
  year: fc.integer({ min: 2025, max: 2027 }),
  quarter: fc.constantFrom<Quarter['quarter']>(1, 2, 3, 4),
  version: fc.integer({ min: 1, max: 3 }),
});
const releaseArbitrary = fc.uniqueArray(fileArbitrary, {
  minLength: 0,
  maxLength: 4,
  selector: (file) => `${file.dataset}${file.year}${file.quarter}`,
});

function datasetFile(spec: {
  dataset: string;
  year: number;
  quarter: Quarter['quarter'];
  version: number;
}): DatasetFile {
  const key = `${spec.dataset}-${spec.year}-q${spec.quarter}.tsv`;
  return {
    key,
    localPath: `/nowhere/${key}`,
    contentType: 'text/tab-separated-values; charset=utf-8',
    bytes: 100 + spec.version,
    sha256: hex(`${key}@${spec.version}`),
    dataset: spec.dataset,
    title: spec.dataset,
    description: 'd',
    grain: 'g',
    quarter: { year: spec.year, quarter: spec.quarter },
    rows: spec.version,
    columns: COLUMNS,
    schemaVersion: 1,
    privacySummary: { k: 10 },
    privacyReport: {
      key: key.replace('.tsv', '.privacy.json'),
      localPath: '/nowhere',
      contentType: 'application/json',
      bytes: 10,
      sha256: hex(`r${key}`),
    },
  };
}

const release = (files: DatasetFile[]): ReleaseWithChangelog => ({
  quarter: files[0]?.quarter ?? { year: 2026, quarter: 1 },
  files,
  generatedAt: '',
  changelog: [],
});
const merge = (previous: Catalog | undefined, files: DatasetFile[], step: number): Catalog =>
  mergeCatalog({
    previous,
    release: release(files),
    license: { key: 'DATA_LICENSE.md', bytes: 1, sha256: hex('licence') },
    now: new Date(Date.UTC(2026, 0, 1 + step)).toISOString(),
    urlOf: (key) => `https://data.example.org/${key}`,
  });

const entries = (catalog: Catalog | undefined): Map<string, Catalog['datasets'][number]['quarters'][number]> =>
  new Map(
    (catalog?.datasets ?? []).flatMap((dataset) =>
      dataset.quarters.map((quarter) => [`${dataset.name} ${quarter.quarter}`, quarter] as const),
    ),
  );

describe('mergeCatalog', () => {
  it('never drops an entry; firstPublished is fixed; revision and lastRevised move exactly when the sha256 changes', () => {
    fc.assert(
      fc.property(fc.array(releaseArbitrary, { minLength: 1, maxLength: 6 }), (releases) => {
        let catalog: Catalog | undefined;
        releases.forEach((specs, step) => {
          const before = entries(catalog);
          const changelogBefore = catalog?.changelog.length ?? 0;
          const files = specs.map(datasetFile);
          if (files.length === 0 && !catalog) return;
          catalog = merge(catalog, files, step);
          const after = entries(catalog);
          for (const [id, old] of before) {
            const now = after.get(id);
            expect(now, `${id} kept`).toBeDefined();
            expect(now!.firstPublished).toBe(old.firstPublished);
            if (now!.sha256 === old.sha256)
              expect([now!.revision, now!.lastRevised]).toEqual([old.revision, old.lastRevised]);
            else expect([now!.revision, now!.lastRevised > old.lastRevised]).toEqual([old.revision + 1, true]);
          }
          for (const [, entry] of after) expect(entry.firstPublished <= entry.lastRevised).toBe(true);
          expect(catalog.changelog.length).toBeGreaterThanOrEqual(changelogBefore);
          expect(new Set(catalog.changelog.map((change) => JSON.stringify(change))).size).toBe(
            catalog.changelog.length,
          );
          for (const dataset of catalog.datasets) {
            const newest = dataset.quarters[dataset.quarters.length - 1]!;
            expect(dataset.latest).toMatchObject({
              quarter: newest.quarter,
              key: newest.key,
              alias: { key: `${dataset.name}-latest.tsv` },
            });
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same bytes when the same release is merged again, and survives a render/parse round trip', () => {
    fc.assert(
      fc.property(
        releaseArbitrary.filter((specs) => specs.length > 0),
        (specs) => {
          const files = specs.map(datasetFile);
          const once = merge(undefined, files, 0);
          const twice = merge(parseCatalog(renderCatalog(once), 'index.json'), files, 5);
          expect(renderCatalog(twice)).toBe(renderCatalog(once));
        },
      ),
      { numRuns: 100 },
    );
  });
});
