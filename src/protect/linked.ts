import { PublisherError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { appendRows, type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { findDerivableCells } from './exact/disclosure-audit.js';
import { type SuppressionCell, secondarySuppression } from './exact/gauss-suppression.js';
import type { ProtectedDataset } from './protect.js';

/**
 * Differencing protection for rows that count machines. One installation is counted in many rows (once
 * per feature in `feature-usage`, once more in `installations`), so a suppressed row could be recovered
 * as a published total minus published parts. Each row is written as a 0/1 vector over inner cells
 * (groups of machines that fall in exactly the same rows); Gaussian elimination with exact arithmetic
 * then suppresses the cheapest extra rows so that no primary-suppressed row is a linear combination of
 * published rows. A second, independent elimination re-checks the result before anything is written.
 *
 * Datasets that count events need none of this: every event lands in exactly one row, so their rows are
 * disjoint and the only linear relation among them is "no relation" (check.ts verifies the partition).
 */
export interface LinkedProtection {
  population: string;
  datasets: string[];
  rows: number;
  innerCells: number;
  primary: number;
  secondary: number;
}

export function linkedGroups(results: readonly ProtectedDataset[]): ProtectedDataset[][] {
  const groups = new Map<string, ProtectedDataset[]>();
  for (const result of results) {
    if (result.dataset.measure.count !== 'machines') continue;
    const population = result.dataset.population ?? `dataset:${result.dataset.name}`;
    groups.set(population, [...(groups.get(population) ?? []), result]);
  }
  return [...groups.values()];
}

export async function protectLinkedRows(
  duck: Duck,
  group: readonly ProtectedDataset[],
  logger: Logger,
): Promise<LinkedProtection> {
  const keyOf = (result: ProtectedDataset): string =>
    `json_array(${[result.dataset.timeColumn, ...result.dataset.dimensions.map((dimension) => dimension.column)].map(id).join(', ')})::VARCHAR`;
  const membership = group
    .map(
      (result) =>
        `SELECT DISTINCT '${result.dataset.name}' || ':' || ${keyOf(result)} AS row_id, machine_id FROM ${result.tables.assigned}`,
    )
    .join(' UNION ALL ');
  const rows = group
    .map(
      (result) =>
        `SELECT '${result.dataset.name}' || ':' || ${keyOf(result)} AS row_id, _value, _published FROM ${result.tables.rows}`,
    )
    .join(' UNION ALL ');
  await duck.run(`
    CREATE OR REPLACE TEMP TABLE linked_membership AS ${membership};
    CREATE OR REPLACE TEMP TABLE linked_signature AS
      SELECT machine_id, string_agg(row_id, chr(30) ORDER BY row_id) AS signature FROM linked_membership GROUP BY machine_id;
    CREATE OR REPLACE TEMP TABLE linked_inner AS
      SELECT signature, (row_number() OVER (ORDER BY signature) - 1)::INTEGER AS inner_index FROM (SELECT DISTINCT signature FROM linked_signature);`);
  const vectors = await duck.all<{ row_id: string; inner: number[]; value: string; published: boolean }>(`
    SELECT r.row_id, list(DISTINCT i.inner_index ORDER BY i.inner_index) AS inner, any_value(r._value)::BIGINT AS value, any_value(r._published) AS published
    FROM (${rows}) r
    JOIN linked_membership m USING (row_id) JOIN linked_signature s USING (machine_id) JOIN linked_inner i USING (signature)
    GROUP BY r.row_id ORDER BY r.row_id`);
  const [counted] = await duck.all<{ n: string }>('SELECT count(*)::BIGINT AS n FROM linked_inner');
  await duck.run('DROP TABLE linked_membership; DROP TABLE linked_signature; DROP TABLE linked_inner;');

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
  for (const dataset of group) {
    const prefix = `${dataset.dataset.name}:`;
    const secondary = result.secondary
      .filter((rowId) => rowId.startsWith(prefix))
      .map((rowId) => rowId.slice(prefix.length));
    if (secondary.length === 0) continue;
    await duck.run(`CREATE OR REPLACE TEMP TABLE linked_secondary (row_key VARCHAR)`);
    await appendRows(
      duck,
      'linked_secondary',
      secondary.map((key) => [key]),
      'main',
      'temp',
    );
    await duck.run(`
      UPDATE ${dataset.tables.rows} SET _published = false, _secondary = true
      WHERE ${keyOf(dataset)} IN (SELECT row_key FROM linked_secondary);
      DROP TABLE linked_secondary;`);
  }
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
