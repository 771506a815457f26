// Differencing protection for rows that count machines. One installation is counted in many rows (once
// per feature in `feature-usage`, once more in `installations`), so a suppressed row could be recovered
// as a published total minus published parts. Each row is written as a 0/1 vector over inner cells
// (groups of machines that fall in exactly the same rows); Gaussian elimination with exact arithmetic
// then suppresses the cheapest extra rows so that no primary-suppressed row is a linear combination of
// published rows. A second, independent elimination re-checks the result before anything is written.
//
// A dataset that counts events and stands alone needs none of this: every event lands in exactly one
// row, so its rows are disjoint and the only linear relation among them is "no relation" (check.ts
// verifies the partition). Event datasets that declare a shared population (a family of tables over
// the same events) are protected together by family-tables.ts, day by day, with the same elimination.
// The statements are in linked.sql.
import { PublisherError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';
import { groupByPopulation, populationOf } from '../query/population.js';
import { findDerivableCells } from './exact/disclosure-audit.js';
import { type SuppressionCell, secondarySuppression } from './exact/gauss-suppression.js';
import { type FamilyOptions, protectFamily } from './family-tables.js';
import type { ProtectedDataset } from './protect.js';
import { rowKeySql, withholdSecondary } from './withhold.js';

const sql = sqlTemplates(import.meta.url, 'linked.sql');

export interface LinkedProtection {
  population: string;
  datasets: string[];
  rows: number;
  innerCells: number;
  primary: number;
  secondary: number;
}

export function linkedGroups(results: readonly ProtectedDataset[]): ProtectedDataset[][] {
  const groups = groupByPopulation(results, (result) => result.dataset);
  for (const [population, group] of groups) refuseMixedUnits(population, group);
  // A lone event table needs nothing more: its rows are disjoint.
  return [...groups.values()].filter((group) => group[0]!.dataset.measure.count === 'machines' || group.length > 1);
}

function refuseMixedUnits(population: string, group: readonly ProtectedDataset[]): void {
  if (new Set(group.map((result) => result.dataset.measure.count)).size > 1) {
    throw new PublisherError(
      'E_CONFIG',
      `population ${population} mixes datasets that count events and machines (${group.map((result) => result.dataset.name).join(', ')}): a population counts one unit`,
    );
  }
}

export async function protectLinkedRows(
  duck: Duck,
  group: readonly ProtectedDataset[],
  logger: Logger,
  options: FamilyOptions = {},
): Promise<LinkedProtection> {
  if (group[0]!.dataset.measure.count === 'events') {
    const family = await protectFamily(duck, group, populationOf(group[0]!.dataset)!, logger, options);
    const { rows, innerCells, primaries } = family.largestDay;
    return {
      population: family.population,
      datasets: family.datasets,
      rows,
      innerCells,
      primary: primaries,
      secondary: family.secondary,
    };
  }
  // $dataset_<n>: the row ids' prefixes, one per dataset of the group.
  const names = Object.fromEntries(group.map((result, n) => [`dataset_${n}`, result.dataset.name]));
  const perDataset = (statement: string, table: (result: ProtectedDataset) => string, fill: string) =>
    group
      .map((result, n) => sql(statement, { n: String(n), row_key: rowKeySql(result), [fill]: id(table(result)) }))
      .join('\n  UNION ALL ');
  await duck.run(
    sql('inner_cells', {
      membership: perDataset('membership_of_dataset', (result) => result.tables.assigned, 'assigned'),
    }),
    names,
  );
  const vectors = await duck.all<{ row_id: string; inner: number[]; value: string; published: boolean }>(
    sql('vectors', { rows: perDataset('rows_of_dataset', (result) => result.tables.rows, 'rows') }),
    names,
  );
  const [counted] = await duck.all<{ n: string }>(sql('count_inner_cells'));
  await duck.run(sql('drop_inner_cells'));

  const cells: SuppressionCell[] = vectors.map((row) => ({
    id: row.row_id,
    inner: row.inner,
    primary: !row.published,
    cost: Number(row.value),
  }));
  const result = secondarySuppression({ cells });
  const published = new Set(result.published);
  const derivable = findDerivableCells(
    cells.filter((cell) => published.has(cell.id)),
    cells.filter((cell) => cell.primary),
  );
  if (derivable.length > 0) {
    throw new PublisherError(
      'E_PRIVACY_CHECK',
      `suppressed row ${derivable[0]!.id} could be derived from published rows after secondary suppression; nothing was published`,
    );
  }
  await withholdSecondary(duck, group, result.secondary);
  const summary: LinkedProtection = {
    population: group[0]!.dataset.population ?? group[0]!.dataset.name,
    datasets: group.map((dataset) => dataset.dataset.name),
    rows: cells.length,
    innerCells: Number(counted?.n ?? 0),
    primary: result.primary.length,
    secondary: result.secondary.length,
  };
  logger.info('protected linked rows against differencing', { ...summary, datasets: summary.datasets.join(',') });
  return summary;
}
