import { PublisherError } from '../../core/errors.js';
import { formatQuarter } from '../../core/quarter.js';
import { objectsOf, type ReleaseWithChangelog } from '../../core/release.js';
import { assertValidKey } from '../store/index.js';
import { CATALOG_KEYS, latestAliasKey } from './layout.js';

const DATASET = /^[a-z][a-z0-9-]*$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * What the publishing stage needs from a release before it touches the target: usable keys that do not
 * collide with each other or with the catalog's own files, one file per dataset and quarter, and
 * well-formed sizes and checksums. A failure names the file and the rule.
 */
export function validateRelease(release: ReleaseWithChangelog): void {
  const reserved = new Set<string>(Object.values(CATALOG_KEYS));
  const keys = new Map<string, string>();
  const claim = (key: string, owner: string): void => {
    try {
      assertValidKey(key);
    } catch (error) {
      throw new PublisherError('E_CONFIG', `${owner}: ${(error as Error).message}`, { cause: error });
    }
    if (reserved.has(key)) throw new PublisherError('E_CONFIG', `${owner}: key "${key}" is reserved for the catalog`);
    const other = keys.get(key);
    if (other) throw new PublisherError('E_CONFIG', `${owner} and ${other} have the same key "${key}"`);
    keys.set(key, owner);
  };
  const quarters = new Set<string>();
  for (const file of release.files) {
    const owner = `dataset "${file.dataset}" ${formatQuarter(file.quarter)}`;
    if (!DATASET.test(file.dataset))
      throw new PublisherError('E_CONFIG', `${owner}: dataset name must match ${DATASET}`);
    const id = `${file.dataset} ${formatQuarter(file.quarter)}`;
    if (quarters.has(id)) throw new PublisherError('E_CONFIG', `${owner} appears twice in the release`);
    quarters.add(id);
    claim(file.key, owner);
    claim(file.privacyReport.key, `${owner} privacy report`);
    if (file.inputManifest) claim(file.inputManifest.key, `${owner} input manifest`);
    for (const object of objectsOf(file)) {
      if (!SHA256.test(object.sha256))
        throw new PublisherError(
          'E_CONFIG',
          `${owner}: sha256 of ${object.key} must be 64 lower-case hex digits, got "${object.sha256}"`,
        );
      if (!Number.isSafeInteger(object.bytes) || object.bytes < 0)
        throw new PublisherError(
          'E_CONFIG',
          `${owner}: bytes of ${object.key} must be a whole number, got ${object.bytes}`,
        );
    }
    if (!Number.isSafeInteger(file.rows) || file.rows < 0)
      throw new PublisherError('E_CONFIG', `${owner}: rows must be a whole number, got ${file.rows}`);
    if (file.columns.length === 0) throw new PublisherError('E_CONFIG', `${owner}: the release lists no column`);
  }
  for (const file of release.files) {
    const alias = latestAliasKey(file.dataset, file.key);
    if (keys.has(alias))
      throw new PublisherError(
        'E_CONFIG',
        `${keys.get(alias)}: key "${alias}" is reserved for the latest copy of dataset "${file.dataset}"`,
      );
  }
}
