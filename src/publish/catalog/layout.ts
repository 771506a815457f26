import { publicUrl } from '../../core/keys.js';
import type { CatalogLinks } from './model.js';

const INPUTS_PREFIX = 'inputs/';

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
  page: 'index.html',
  dcat: 'catalog.jsonld',
  publicationLog: 'publication-log.ndjson',
  lock: '.publish-lock.json',
} as const;

/** What index.json links besides the quarters: the other catalog files, the page, the input manifests. */
export function catalogLinks(urlOf: (key: string) => string): CatalogLinks {
  const link = (key: string) => ({ key, url: urlOf(key) });
  return {
    datapackage: link(CATALOG_KEYS.datapackage),
    sha256sums: link(CATALOG_KEYS.sha256sums),
    readme: link(CATALOG_KEYS.readme),
    changelog: link(CATALOG_KEYS.changelog),
    license: link(CATALOG_KEYS.license),
    page: link(CATALOG_KEYS.page),
    dcat: link(CATALOG_KEYS.dcat),
    // A prefix, not an object: `inputs/{key of the quarter file, .json}` for each quarter.
    inputs: { prefix: INPUTS_PREFIX, url: urlOf(INPUTS_PREFIX) },
  };
}

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
