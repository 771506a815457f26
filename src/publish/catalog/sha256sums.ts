import type { Catalog } from './model.js';

/**
 * `sha256sum -c SHA256SUMS` format (hash, two spaces, key), sorted by key: every data file and its
 * Parquet and gzip copies, privacy report, input manifest and the licence. Not listed: the catalog files, which change with every release, and the
 * `{dataset}-latest.tsv` copies, whose checksum is that of the quarter they copy.
 */
export function renderSha256Sums(catalog: Catalog): string {
  const sums = new Map<string, string>([[catalog.license.file.key, catalog.license.file.sha256]]);
  for (const dataset of catalog.datasets) {
    for (const quarter of dataset.quarters) {
      sums.set(quarter.key, quarter.sha256);
      sums.set(quarter.privacyReport.key, quarter.privacyReport.sha256);
      if (quarter.inputManifest) sums.set(quarter.inputManifest.key, quarter.inputManifest.sha256);
      for (const copy of quarter.formats ?? []) sums.set(copy.key, copy.sha256);
    }
  }
  return [...sums]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, sha256]) => `${sha256}  ${key}\n`)
    .join('');
}
