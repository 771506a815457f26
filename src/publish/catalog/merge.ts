import { formatDay, formatQuarter, quarterEnd, quarterStart } from '../../core/quarter.js';
import type { DatasetFile, ReleaseWithChangelog } from '../../core/release.js';
import { LICENSE } from './content-types.js';
import { catalogLinks, latestAliasKey } from './layout.js';
import {
  CATALOG_VERSION,
  type Catalog,
  type CatalogChange,
  type CatalogDataset,
  type CatalogQuarter,
} from './model.js';

export interface MergeInput {
  previous: Catalog | undefined;
  /** Only files verified present in the target with their sha256. */
  release: ReleaseWithChangelog;
  license: { key: string; bytes: number; sha256: string };
  /** ISO 8601 time of this run. */
  now: string;
  urlOf: (key: string) => string;
}

/**
 * The new catalog: the previous one plus this release. Nothing is ever dropped: a quarter not in the
 * release keeps its entry as it was. A quarter whose sha256 changes keeps `firstPublished`, gets a new
 * `lastRevised`, a higher `revision` and a changelog entry, so a figure never changes silently.
 * `updated` is left as it was; the caller moves it only when the content changed.
 */
export function mergeCatalog(input: MergeInput): Catalog {
  const { previous, release, now, urlOf } = input;
  const datasets = new Map<string, CatalogDataset>(
    (previous?.datasets ?? []).map((dataset) => [dataset.name, structuredClone(dataset)]),
  );
  const changelog: CatalogChange[] = structuredClone(previous?.changelog ?? []);
  const seen = new Set(changelog.map(changeId));
  const record = (change: CatalogChange): void => {
    if (seen.has(changeId(change))) return; // a rerun of the same release adds nothing
    seen.add(changeId(change));
    changelog.push(change);
  };

  for (const file of [...release.files].sort(byDatasetAndQuarter)) {
    const quarter = formatQuarter(file.quarter);
    const dataset: CatalogDataset = datasets.get(file.dataset) ?? {
      name: file.dataset,
      title: file.title,
      description: file.description,
      grain: file.grain,
      latest: { quarter, key: file.key, url: '', alias: { key: '', url: '' } },
      quarters: [],
    };
    Object.assign(dataset, { title: file.title, description: file.description, grain: file.grain });
    datasets.set(file.dataset, dataset);
    const at = dataset.quarters.findIndex((entry) => entry.quarter === quarter);
    const before = dataset.quarters[at];
    const entry = quarterEntry(file, before, now);
    const base = { time: now, dataset: file.dataset, quarter, sha256: file.sha256 };
    if (!before) {
      record({ ...base, kind: 'published', message: `first published: ${file.rows} rows, ${file.bytes} bytes` });
    } else if (before.sha256 !== file.sha256) {
      record({
        ...base,
        kind: 'revised',
        message: `revised (revision ${entry.revision}): ${before.rows} -> ${file.rows} rows, sha256 ${before.sha256} -> ${file.sha256}`,
      });
    } else if (before.privacyReport.sha256 !== file.privacyReport.sha256) {
      record({
        ...base,
        kind: 'revised',
        message: `privacy report revised: sha256 ${before.privacyReport.sha256} -> ${file.privacyReport.sha256}`,
      });
    }
    if (before) dataset.quarters[at] = entry;
    else dataset.quarters.push(entry);
  }

  const releasedSha = new Map(
    release.files.map((file) => [`${file.dataset}|${formatQuarter(file.quarter)}`, file.sha256]),
  );
  for (const note of release.changelog) {
    const quarter = formatQuarter(note.quarter);
    const sha256 = releasedSha.get(`${note.dataset}|${quarter}`);
    record({
      time: now,
      dataset: note.dataset,
      quarter,
      ...(note.day !== undefined ? { day: note.day } : {}),
      kind: 'note',
      message: note.message,
      ...(sha256 !== undefined ? { sha256 } : {}),
    });
  }

  // URLs are derived, not state: a new public base URL rewrites every entry.
  for (const dataset of datasets.values()) {
    dataset.quarters.sort((a, b) => a.year - b.year || a.quarterOfYear - b.quarterOfYear);
    for (const entry of dataset.quarters) {
      entry.url = urlOf(entry.key);
      entry.privacyReport.url = urlOf(entry.privacyReport.key);
      if (entry.inputManifest) entry.inputManifest.url = urlOf(entry.inputManifest.key);
      for (const copy of entry.formats ?? []) copy.url = urlOf(copy.key);
    }
    const newest = dataset.quarters[dataset.quarters.length - 1]!;
    const alias = latestAliasKey(dataset.name, newest.key);
    dataset.latest = {
      quarter: newest.quarter,
      key: newest.key,
      url: newest.url,
      alias: { key: alias, url: urlOf(alias) },
    };
  }

  return {
    catalogVersion: CATALOG_VERSION,
    updated: previous?.updated ?? now,
    license: {
      id: LICENSE.id,
      title: LICENSE.title,
      url: LICENSE.url,
      file: { ...input.license, url: urlOf(input.license.key) },
    },
    links: catalogLinks(urlOf),
    datasets: [...datasets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    changelog,
  };
}

function quarterEntry(file: DatasetFile, before: CatalogQuarter | undefined, now: string): CatalogQuarter {
  const revised = before !== undefined && before.sha256 !== file.sha256;
  const lastDay = new Date(quarterEnd(file.quarter).getTime() - 24 * 60 * 60 * 1000);
  return {
    quarter: formatQuarter(file.quarter),
    year: file.quarter.year,
    quarterOfYear: file.quarter.quarter,
    start: formatDay(quarterStart(file.quarter)),
    end: formatDay(lastDay),
    key: file.key,
    url: '',
    bytes: file.bytes,
    sha256: file.sha256,
    contentType: file.contentType,
    rows: file.rows,
    schemaVersion: file.schemaVersion,
    columns: file.columns.map((column) => ({ ...column })),
    firstPublished: before?.firstPublished ?? now,
    lastRevised: before === undefined || revised ? now : before.lastRevised,
    revision: before === undefined ? 1 : revised ? before.revision + 1 : before.revision,
    privacy: structuredClone(file.privacySummary),
    privacyReport: {
      key: file.privacyReport.key,
      url: '',
      bytes: file.privacyReport.bytes,
      sha256: file.privacyReport.sha256,
    },
    // A rerun of an unchanged quarter may bring no manifest: the published one still describes it.
    ...(file.inputManifest
      ? {
          inputManifest: {
            key: file.inputManifest.key,
            url: '',
            bytes: file.inputManifest.bytes,
            sha256: file.inputManifest.sha256,
          },
        }
      : !revised && before?.inputManifest
        ? { inputManifest: structuredClone(before.inputManifest) }
        : {}),
    ...(file.formats
      ? {
          formats: file.formats.map((copy) => ({
            format: copy.format,
            key: copy.key,
            url: '',
            bytes: copy.bytes,
            sha256: copy.sha256,
            mediatype: copy.contentType,
          })),
        }
      : !revised && before?.formats
        ? { formats: structuredClone(before.formats) }
        : {}),
  };
}

function changeId(change: CatalogChange): string {
  return JSON.stringify([
    change.dataset,
    change.quarter,
    change.day ?? '',
    change.kind,
    change.message,
    change.sha256 ?? '',
  ]);
}

function byDatasetAndQuarter(a: DatasetFile, b: DatasetFile): number {
  return a.dataset.localeCompare(b.dataset) || a.quarter.year - b.quarter.year || a.quarter.quarter - b.quarter.quarter;
}
