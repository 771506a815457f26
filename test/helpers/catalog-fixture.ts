// Releases made of real files in a folder, in the shape the pipeline hands to the publishing stage.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fileDigest } from '../../src/core/hash.js';
import type { Logger } from '../../src/core/log.js';
import type { ColumnSpec, DatasetFile, Quarter, ReleaseWithChangelog } from '../../src/core/release.js';
import {
  type Catalog,
  objectProblem,
  type PublishOptions,
  type PublishOutcome,
  publishRelease,
  readCatalog,
  withTargetLock,
} from '../../src/publish/catalog/index.js';
import type { Store } from '../../src/publish/store/store.js';

export const COLUMNS: ColumnSpec[] = [
  {
    name: 'Timestamp',
    type: 'date',
    description: 'UTC day of the invocations (YYYY-MM-DD).',
    derivation: 'The event timestamp truncated to the UTC day.',
  },
  {
    name: 'Occurrences',
    type: 'integer',
    description: 'Invocations that day with these values.',
    derivation: 'Count of events, capped per machine.',
  },
  {
    name: 'Command',
    type: 'string',
    description: 'CLI command | verb invoked.',
    derivation: 'The event command; rare commands become Other.',
  },
];

export interface FileSpec {
  dataset?: string;
  quarter: Quarter;
  /** Distinguishes two versions of the same quarter (a revision). */
  version?: number;
  /** Data rows to write; a large number makes a multipart-sized file. */
  rows?: number;
}

export async function writeLicense(folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, 'DATA_LICENSE.md');
  await writeFile(path, '# Data licence\n\nCC BY 4.0: https://creativecommons.org/licenses/by/4.0/\n');
  return path;
}

export async function makeRelease(
  folder: string,
  specs: FileSpec[],
  changelog: ReleaseWithChangelog['changelog'] = [],
): Promise<ReleaseWithChangelog> {
  await mkdir(folder, { recursive: true });
  const files: DatasetFile[] = [];
  for (const spec of specs) {
    const dataset = spec.dataset ?? 'cli-usage';
    const { year, quarter } = spec.quarter;
    const key = `${dataset}-${year}-q${quarter}.tsv`;
    const version = spec.version ?? 1;
    const rowCount = spec.rows ?? 3;
    const month = String((quarter - 1) * 3 + 1).padStart(2, '0');
    const lines = ['Timestamp\tOccurrences\tCommand'];
    for (let row = 0; row < rowCount; row++)
      lines.push(
        `${year}-${month}-${String((row % 28) + 1).padStart(2, '0')}\t${10 + row + version * 1000}\tbuild-${row % 7}`,
      );
    const localPath = join(folder, `v${version}-${key}`);
    await writeFile(localPath, `${lines.join('\n')}\n`);
    const reportKey = key.replace(/\.tsv$/, '.privacy.json');
    const reportPath = join(folder, `v${version}-${reportKey}`);
    const summary = { k: 10, contributionCap: 100, rowsPublished: rowCount, rowsSuppressed: version };
    await writeFile(
      reportPath,
      `${JSON.stringify({ dataset, quarter: `${year}-Q${quarter}`, ...summary }, null, 2)}\n`,
    );
    files.push({
      key,
      localPath,
      contentType: 'text/tab-separated-values; charset=utf-8',
      ...(await fileDigest(localPath)),
      dataset,
      title: 'CLI usage',
      description: 'Daily counts of CLI invocations.',
      grain: 'one UTC day x Command',
      quarter: spec.quarter,
      rows: rowCount,
      columns: COLUMNS,
      schemaVersion: 1,
      privacySummary: summary,
      privacyReport: {
        key: reportKey,
        localPath: reportPath,
        contentType: 'application/json',
        ...(await fileDigest(reportPath)),
      },
    });
  }
  const quarter = specs[0]?.quarter ?? { year: 2026, quarter: 3 };
  return { quarter, files, generatedAt: '2026-10-02T03:00:00.000Z', changelog };
}

/** publishRelease under a lock with a short settle time, as the orchestrator would call it. */
export function publishLocked(
  store: Store,
  release: ReleaseWithChangelog,
  options: PublishOptions,
): Promise<PublishOutcome> {
  if (options.dryRun) return publishRelease(store, release, options);
  return withTargetLock(store, { logger: options.logger, holder: 'test run', settleMs: 20 }, () =>
    publishRelease(store, release, options),
  );
}

export function fixedClock(iso: string): () => Date {
  return () => new Date(iso);
}

export const quietLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The catalog invariants, checked from what a reader can fetch: index.json parses; every object it
 * names is in the target with the size and sha256 it gives; so is every object SHA256SUMS and
 * datapackage.json name; each `latest` copy is a byte copy of a quarter the catalog lists; and the
 * catalog still lists every (dataset, quarter) in `mustList`. After a complete run (`complete`), the
 * three files agree with each other exactly and each `latest` copy is the newest quarter.
 */
export async function expectCatalogInvariants(
  store: Store,
  mustList: string[] = [],
  { complete = true } = {},
): Promise<Catalog | undefined> {
  const catalog = await readCatalog(store);
  if (!catalog) expect(mustList, 'no index.json, but quarters had been published').toEqual([]);
  const objects = catalog
    ? [
        catalog.license.file,
        ...catalog.datasets.flatMap((dataset) =>
          dataset.quarters.flatMap((quarter) => [quarter, quarter.privacyReport]),
        ),
      ]
    : [];
  for (const object of objects) {
    expect(await objectProblem(store, object), `${object.key} as listed in index.json`).toBeUndefined();
  }
  for (const dataset of catalog?.datasets ?? []) {
    const copy = await store.head(dataset.latest.alias.key);
    const newest = dataset.quarters[dataset.quarters.length - 1]!;
    const copied = dataset.quarters.find((quarter) => quarter.sha256 === copy?.sha256 && quarter.bytes === copy?.bytes);
    expect(copied, `${dataset.latest.alias.key} copies a listed quarter`).toBeDefined();
    if (complete) expect(copied?.quarter, `${dataset.latest.alias.key} copies the newest quarter`).toBe(newest.quarter);
  }
  const listed = (catalog?.datasets ?? []).flatMap((dataset) =>
    dataset.quarters.map((quarter) => `${dataset.name} ${quarter.quarter}`),
  );
  for (const entry of mustList) expect(listed, 'the catalog never shrinks').toContain(entry);

  const sums = new Map(
    ((await store.getBytes('SHA256SUMS'))?.toString('utf8') ?? '')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => [line.slice(66), line.slice(0, 64)] as const),
  );
  for (const [key, sha256] of sums)
    expect((await store.head(key))?.sha256, `${key} as listed in SHA256SUMS`).toBe(sha256);
  const datapackage = JSON.parse((await store.getBytes('datapackage.json'))?.toString('utf8') ?? '{}') as {
    resources?: Array<{ path: string; hash: string; bytes: number }>;
  };
  for (const resource of datapackage.resources ?? []) {
    const problem = await objectProblem(store, {
      key: resource.path,
      bytes: resource.bytes,
      sha256: resource.hash.replace(/^sha256:/, ''),
    });
    expect(problem, `${resource.path} as listed in datapackage.json`).toBeUndefined();
  }
  if (complete && catalog) {
    expect([...sums.entries()].sort(), 'SHA256SUMS = index.json').toEqual(
      objects.map((object) => [object.key, object.sha256] as const).sort(),
    );
    const quarters = catalog.datasets.flatMap((dataset) => dataset.quarters);
    expect(
      datapackage.resources?.map((resource) => [resource.path, resource.hash, resource.bytes]).sort(),
      'datapackage.json = index.json',
    ).toEqual(quarters.map((quarter) => [quarter.key, `sha256:${quarter.sha256}`, quarter.bytes]).sort());
  }
  return catalog;
}

/** Every object of a target (but the publication log and the lock) with its bytes, for byte-identity checks. */
export async function snapshot(store: Store): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const object of await store.list('')) {
    if (object.key === 'publication-log.ndjson' || object.key === '.publish-lock.json') continue;
    result[object.key] = (await store.getBytes(object.key))!.toString('base64');
  }
  return result;
}
