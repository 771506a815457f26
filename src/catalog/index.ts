/**
 * The publishing stage: uploads a release, verifies it, and keeps the catalog (index.json,
 * datapackage.json, SHA256SUMS, README.md, CHANGELOG.md, DATA_LICENSE.md, `{dataset}-latest.tsv`,
 * publication-log.ndjson) at the target root.
 */
export { publishRelease, type PublishOptions, type PublishOutcome } from './publish.js';
export { withTargetLock, heldLock, DEFAULT_LOCK_TTL_SECONDS, type HeldLock, type LockOptions } from './lock.js';
export { readCatalog, parseCatalog, renderCatalog } from './index-json.js';
export { CATALOG_KEYS, latestAliasKey } from './layout.js';
export { LICENSE, CACHE_CONTROL, contentTypeFor } from './content-types.js';
export { parsePublicationLog, type PublicationRecord } from './publication-log.js';
export { objectProblem } from './verify.js';
export type { Catalog, CatalogChange, CatalogDataset, CatalogQuarter, CatalogLatest, PublishedObject } from './model.js';
