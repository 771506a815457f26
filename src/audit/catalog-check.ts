// The catalog's promises, checked in the target: every quarter file and privacy report it lists is
// there with its sha256, and every revision has its changelog entry.
import { sha256Hex } from '../core/hash.js';
import { readCatalog } from '../publish/catalog/index.js';
import type { Store } from '../publish/store/index.js';
import type { DatasetDefinition } from '../query/dataset.js';
import type { AuditViolation } from './compare.js';

/**
 * Point 5 and the catalog's promises: every quarter file the catalog lists is present with the sha256
 * it gives, and every file that changed after its first publication has a "revised" changelog entry.
 */
export async function catalogViolations(
  target: Store,
  datasets: readonly DatasetDefinition[],
): Promise<AuditViolation[]> {
  const catalog = await readCatalog(target);
  if (!catalog) return [];
  const audited = new Set(datasets.map((dataset) => dataset.name));
  const violations: AuditViolation[] = [];
  for (const dataset of catalog.datasets.filter((entry) => audited.has(entry.name))) {
    for (const quarter of dataset.quarters) {
      const base = { dataset: dataset.name, quarter: quarter.quarter };
      for (const object of [quarter, quarter.privacyReport]) {
        const body = await target.getBytes(object.key);
        if (!body)
          violations.push({
            ...base,
            rule: 'integrity',
            detail: `the catalog lists ${object.key} but it is not in the target`,
          });
        else if (sha256Hex(body) !== object.sha256) {
          violations.push({
            ...base,
            rule: 'integrity',
            detail: `${object.key} does not match the sha256 the catalog gives (${object.sha256})`,
          });
        }
      }
      const revisions = catalog.changelog.filter(
        (change) => change.dataset === dataset.name && change.quarter === quarter.quarter && change.kind === 'revised',
      );
      if (quarter.revision > 1 && revisions.length < quarter.revision - 1) {
        violations.push({
          ...base,
          rule: 'unlisted_revision',
          detail: `revision ${quarter.revision} but ${revisions.length} revision(s) in the changelog`,
        });
      }
    }
  }
  return violations;
}
