import type { PutOptions } from '../store/index.js';

/** One licence, stated identically in DATA_LICENSE.md, every object's metadata, index.json and datapackage.json. */
export const LICENSE = {
  id: 'CC-BY-4.0',
  title: 'Creative Commons Attribution 4.0 International',
  url: 'https://creativecommons.org/licenses/by/4.0/',
} as const;

export const LICENSE_METADATA: Readonly<Record<string, string>> = { license: LICENSE.id, 'license-url': LICENSE.url };

const BY_EXTENSION: ReadonlyArray<[RegExp, string]> = [
  [/\.tsv$/i, 'text/tab-separated-values; charset=utf-8'],
  [/\.csv$/i, 'text/csv; charset=utf-8'],
  [/\.ndjson$/i, 'application/x-ndjson'],
  [/\.json$/i, 'application/json'],
  [/\.md$/i, 'text/markdown; charset=utf-8'],
  [/\.html$/i, 'text/html; charset=utf-8'],
  [/\.jsonld$/i, 'application/ld+json'],
  // A .tsv.gz is served as the gzip file it is (no Content-Encoding), so clients save what the checksum covers.
  [/\.gz$/i, 'application/gzip'],
  [/\.parquet$/i, 'application/vnd.apache.parquet'],
  [/(^|\/)SHA256SUMS$/, 'text/plain; charset=utf-8'],
  [/\.txt$/i, 'text/plain; charset=utf-8'],
];

export function contentTypeFor(key: string): string {
  return BY_EXTENSION.find(([pattern]) => pattern.test(key))?.[1] ?? 'application/octet-stream';
}

/**
 * Quarter files change only through an announced revision, so caches may keep them a day. The catalog,
 * the `latest` copies and the publication log change with every release: caches must revalidate them.
 */
export const CACHE_CONTROL = {
  quarterFile: 'public, max-age=86400',
  catalog: 'no-cache',
  lock: 'no-store',
} as const;

export type ObjectRole = 'quarterFile' | 'catalog' | 'lock';

export function putOptions(key: string, role: ObjectRole, contentType = contentTypeFor(key)): PutOptions {
  return { contentType, cacheControl: CACHE_CONTROL[role], metadata: { ...LICENSE_METADATA } };
}

/** Stores may respace or recase a header they echo back; compare what they mean. */
export function sameHeader(a: string | undefined, b: string | undefined): boolean {
  const normalise = (value: string | undefined): string | undefined => value?.toLowerCase().replace(/\s+/g, '');
  return normalise(a) === normalise(b);
}
