import { publicUrl } from '../../core/keys.js';

/**
 * Where the catalog lives in the target: fixed keys at the root, beside the data. Researchers script
 * against these names, so they are part of the public interface (docs/publishing.md lists them).
 */
export const CATALOG_KEYS = {
  index: 'index.json',
  datapackage: 'datapackage.json',
  sha256sums: 'SHA256SUMS',
  readme: 'README.md',
  changelog: 'CHANGELOG.md',
  license: 'DATA_LICENSE.md',
  publicationLog: 'publication-log.ndjson',
  lock: '.publish-lock.json',
} as const;

/** `{dataset}-latest.tsv`: a copy of the newest quarter, at a URL that never changes. */
export function latestAliasKey(dataset: string, quarterKey: string): string {
  const name = quarterKey.slice(quarterKey.lastIndexOf('/') + 1);
  const extension = /(\.[A-Za-z0-9]+)+$/.exec(name)?.[0] ?? '';
  return `${dataset}-latest${extension}`;
}

/** Absolute when a public base URL is configured, else relative to index.json (which sits at the root). */
export function urlFor(publicBaseUrl: string | undefined, key: string): string {
  return publicUrl(publicBaseUrl?.replace(/\/+$/, ''), key) ?? key;
}
