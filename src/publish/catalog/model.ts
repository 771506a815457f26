import type { ColumnSpec } from '../../core/release.js';

/**
 * index.json, the public catalog. Every file it names was verified present in the target with the
 * sha256 given here before the catalog was written. Version 1; a reader should ignore fields it does
 * not know.
 */
export const CATALOG_VERSION = 1;

export interface Catalog {
  catalogVersion: typeof CATALOG_VERSION;
  /** When the catalog's content last changed (ISO 8601 UTC). */
  updated: string;
  license: CatalogLicense;
  /** The other files of the catalog and the page; absent in catalogs written before it existed. */
  links?: CatalogLinks;
  /** Sorted by name. */
  datasets: CatalogDataset[];
  /** Every publication, revision and note, oldest first; CHANGELOG.md shows it newest first. */
  changelog: CatalogChange[];
}

export interface CatalogLicense {
  id: string;
  title: string;
  url: string;
  /** The licence text published beside the data. */
  file: PublishedObject;
}

export interface CatalogLink {
  key: string;
  url: string;
}

export interface CatalogLinks {
  datapackage: CatalogLink;
  sha256sums: CatalogLink;
  readme: CatalogLink;
  changelog: CatalogLink;
  license: CatalogLink;
  /** index.html, the landing page. */
  page: CatalogLink;
  /** catalog.jsonld, DCAT for metadata portals. */
  dcat: CatalogLink;
  /** Where the input manifests are: `inputs/` + the quarter file's key with `.json` for `.tsv`. */
  inputs: { prefix: string; url: string };
}

export interface PublishedObject {
  key: string;
  url: string;
  bytes: number;
  sha256: string;
}

/** A copy of a quarter's TSV in another format: the same rows, checked against it before publishing. */
export interface CatalogFormat extends PublishedObject {
  /** `parquet` or `tsv.gz`; the TSV itself is the quarter entry. */
  format: string;
  mediatype: string;
}

export interface CatalogDataset {
  name: string;
  title: string;
  description: string;
  grain: string;
  latest: CatalogLatest;
  /** Sorted oldest first. */
  quarters: CatalogQuarter[];
}

/**
 * The newest quarter, and `{dataset}-latest.tsv`, a byte copy of it at a URL that never changes. The
 * copy is written just after index.json, so it always holds a quarter the catalog lists: the newest,
 * or for a moment after a release the one before. Its checksum is the quarter's (and in its metadata).
 */
export interface CatalogLatest {
  quarter: string;
  key: string;
  url: string;
  alias: { key: string; url: string };
}

export interface CatalogQuarter extends PublishedObject {
  /** `2026-Q3` */
  quarter: string;
  year: number;
  quarterOfYear: 1 | 2 | 3 | 4;
  /** First and last UTC day covered. */
  start: string;
  end: string;
  contentType: string;
  rows: number;
  schemaVersion: number;
  columns: ColumnSpec[];
  firstPublished: string;
  lastRevised: string;
  /** 1 when first published, +1 at each change of the file's sha256. */
  revision: number;
  privacy: Record<string, unknown>;
  privacyReport: PublishedObject;
  /** The archive files the quarter was computed from. */
  inputManifest?: PublishedObject;
  /** The Parquet and gzip copies, same rows as the TSV. */
  formats?: CatalogFormat[];
}

export interface CatalogChange {
  time: string;
  dataset: string;
  quarter: string;
  /** UTC day the change is about, when it is about one day. */
  day?: string;
  kind: 'published' | 'revised' | 'note';
  message: string;
  /** sha256 of the quarter file the change produced or is about. */
  sha256?: string;
}
