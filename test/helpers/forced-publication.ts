// Cells that must be published (e.g. published in an earlier release), decided before all others, on top
// of `secondarySuppression`: the job does not need this, but it is how the greedy order is probed in
// gauss-suppression.test.ts (a forced cell is decided first, so whether it can be published says whether
// it exposes a primary together with the forced cells before it).
import { PublisherError } from '../../src/core/errors.js';
import { findDerivableCells } from '../../src/protect/exact/disclosure-audit.js';
import {
  type SuppressionCell,
  type SuppressionResult,
  secondarySuppression,
} from '../../src/protect/exact/gauss-suppression.js';

export interface MaybeForcedCell extends SuppressionCell {
  forcePublish?: boolean;
}

/**
 * Forced cells get a cost above every other cell's, keeping their order among themselves, so
 * `publicationOrder` puts them first; one that still ends up secondary would expose a primary:
 * E_PRIVACY_CHECK naming it and the primaries it exposes (GaussSuppression calls them "unsafe").
 */
export function withForcedFirst(cells: readonly MaybeForcedCell[]): SuppressionCell[] {
  // above + cost > every cost when above > 2·max|cost|
  const above = 2 * Math.max(0, ...cells.map((cell) => Math.abs(cell.cost))) + 1;
  return cells.map(({ forcePublish, ...cell }) => {
    if (forcePublish === true && cell.primary)
      throw new PublisherError('E_PRIVACY_CHECK', `cell "${cell.id}" is both primary-suppressed and forcePublish`);
    return forcePublish === true ? { ...cell, cost: above + cell.cost } : cell;
  });
}

export function suppressWithForced(cells: readonly MaybeForcedCell[]): SuppressionResult {
  const result = secondarySuppression({ cells: withForcedFirst(cells) });
  const secondary = new Set(result.secondary);
  const published = cells.filter((cell) => result.published.includes(cell.id));
  const primaries = cells.filter((cell) => cell.primary);
  for (const cell of cells) {
    if (cell.forcePublish !== true || !secondary.has(cell.id)) continue;
    const ids = findDerivableCells([...published, cell], primaries)
      .map((exposed) => `"${exposed.id}"`)
      .join(', ');
    throw new PublisherError(
      'E_PRIVACY_CHECK',
      `cell "${cell.id}" is forcePublish, but publishing it makes primary cell(s) ${ids} derivable from published cells`,
    );
  }
  return result;
}
