/**
 * The publishing stage: uploads a release, verifies it, and keeps the catalog (index.json,
 * datapackage.json, SHA256SUMS, README.md, CHANGELOG.md, DATA_LICENSE.md, `{dataset}-latest.tsv`,
 * publication-log.ndjson) at the target root.
 */

export { CACHE_CONTROL, contentTypeFor, LICENSE } from './content-types.js';
export { parseCatalog, readCatalog, renderCatalog } from './index-json.js';
export { CATALOG_KEYS, latestAliasKey } from './layout.js';
export { DEFAULT_LOCK_TTL_SECONDS, type HeldLock, heldLock, type LockOptions, withTargetLock } from './lock.js';
export type {
  Catalog,
  CatalogChange,
  CatalogDataset,
  CatalogLatest,
  CatalogQuarter,
  PublishedObject,
} from './model.js';
export { type PublicationRecord, parsePublicationLog } from './publication-log.js';
export { type PublishOptions, type PublishOutcome, publishRelease } from './publish.js';
export { objectProblem } from './verify.js';
