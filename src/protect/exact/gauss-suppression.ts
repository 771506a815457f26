// Secondary suppression for rows that count the same machines many times (linked tables): which more
// cells to withhold so that no primary-suppressed cell is a linear combination of published ones.
// Used by src/protect/linked.ts, re-checked there by disclosure-audit.ts.

import { PublisherError } from '../../core/errors.js';
import { primariesInReach } from './reach.js';
import {
  type CellVector,
  checkCellVectors,
  EchelonBasis,
  eliminateAt,
  heavyFirstLabels,
  indicator,
  isMultiple,
  makePrimitive,
  type SparseVector,
} from './span.js';

export type { CellVector } from './span.js';

export interface SuppressionCell extends CellVector {
  /** Primary-suppressed: rests on fewer than k contributors. Never published, always protected. */
  primary: boolean;
  /** Information lost if this cell is suppressed (e.g. its Occurrences): costlier cells are decided first. */
  cost: number;
}

export interface SuppressionInput {
  cells: ReadonlyArray<SuppressionCell>;
}

/** Ids, each list sorted by id (UTF-16 code units), so the result does not depend on input order. */
export interface SuppressionResult {
  published: string[];
  primary: string[];
  secondary: string[];
}

/**
 * The non-primary cells in the order `secondarySuppression` decides them, i.e. order of preference to publish:
 * 1. higher `cost` first: the cells whose suppression loses most are decided while little is published, so they are
 *    published whenever that is safe, and the *cheapest* cells, decided last, are the ones that end up secondary;
 * 2. more inner cells first (totals before their children: SSBtools' `CandidatesDefault` tie rule);
 * 3. id ascending (code-unit order, not locale), so the order is total and the result deterministic.
 */
export function publicationOrder(cells: ReadonlyArray<SuppressionCell>): SuppressionCell[] {
  return cells
    .filter((cell) => !cell.primary)
    .sort((a, b) => b.cost - a.cost || b.inner.length - a.inner.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Secondary suppression by Gaussian elimination, after Statistics Norway's GaussSuppression (SSBtools, MIT).
 *
 * Guarantee: no primary cell's vector is a linear combination (rational coefficients, exact arithmetic) of the
 * published cells' vectors, across every table the cells come from. This is PS1 (exact disclosure) only: it says
 * nothing about intervals (non-negativity) or about contributors of a suppressed cell recovering another; for the
 * latter, the remainder rule (test/helpers/remainder-rule.ts) and GaussSuppression's virtual primary cells.
 *
 * Greedy over `publicationOrder`. State: an echelon basis of the published vectors and, for each primary p, its
 * residual r_p (p reduced by the basis; zero on every pivot column). For a candidate c with residual w:
 * - w = 0: c is already a combination of published cells; publishing it reveals nothing new. Publish.
 * - otherwise, adding w (pivot q) turns r_p into r_p − (r_p[q]/w[q])·w, which is zero iff r_p is a multiple of w.
 *   If that holds for some primary, c becomes a secondary suppression; else c is published and the residuals of the
 *   primaries with an entry at q are updated (an inverted index column → primaries finds them).
 * This is SSBtools' loop: "Candidates who completely eliminate one or more primary suppressed cells are omitted and
 * made secondary suppressed", with the primary columns kept as the residuals here.
 *
 * Secondary cells are not protected and need not be: they pass the primary rule, so their value is no disclosure.
 * None of them is derivable anyway: if a rejected c were in the final published span S, the primary p that c would
 * have exposed would lie in span(S_then ∪ {c}) ⊆ S. So each secondary is also necessary on its own: publishing it on
 * top of the result would expose a primary (the property test checks both).
 *
 * Performance: the basis's labels put the inner cells of the largest candidates first (span.ts heavyFirstLabels),
 * which decides nothing (any labelling spans the same space) but keeps the fill-in down. Until December 2026 the
 * label followed the last candidate of each inner cell in the order; on the largest day of the 10M bench quarter's
 * family (3,938 rows, 45,812 inner cells) that basis held 4.3M entries (3.0 s, 135 MiB), the heavy-first one 2.9M
 * (2.3 s, 80 MiB), with the same decisions.
 */
export function secondarySuppression(input: SuppressionInput): SuppressionResult {
  const cells = input.cells;
  checkSuppressionInput(cells);
  const order = publicationOrder(cells);
  const allPrimaries = cells.filter((cell) => cell.primary);
  // Only a primary some combination of candidates reaches can ever be exposed: the others are left out
  // of the residuals, which changes no decision (reach.ts) and is most of the work saved on a family.
  const primaries = primariesInReach(order, allPrimaries);
  if (primaries.length === 0) {
    // Nothing a candidate could expose: the loop below would publish every one of them.
    return {
      published: order.map((cell) => cell.id).sort(byCodeUnits),
      primary: allPrimaries.map((cell) => cell.id).sort(byCodeUnits),
      secondary: [],
    };
  }
  const label = heavyFirstLabels(order, cells);
  const labelsOf = (cell: CellVector): number[] => cell.inner.map(label);
  const vectorOf = (cell: CellVector): SparseVector => indicator(labelsOf(cell));

  const residuals = primaries.map(vectorOf);
  const primariesAt = new Map<number, Set<number>>(); // column -> primaries whose residual is nonzero there
  const track = (primary: number) => (column: number, present: boolean) => {
    let set = primariesAt.get(column);
    if (present) {
      if (set === undefined) {
        set = new Set();
        primariesAt.set(column, set);
      }
      set.add(primary);
    } else {
      set?.delete(primary);
    }
  };
  residuals.forEach((residual, primary) => {
    const add = track(primary);
    for (const column of residual.keys()) {
      add(column, true);
    }
  });

  const basis = new EchelonBasis();
  const published: string[] = [];
  const secondary: string[] = [];
  for (const cell of order) {
    const candidate = basis.reduceIndicator(labelsOf(cell));
    const q = candidate.lead;
    if (q === -1) {
      published.push(cell.id);
      continue;
    }
    const affected = [...(primariesAt.get(q) ?? [])];
    // The map form, made once: the basis keeps only the packed one.
    const w = affected.length > 0 ? candidate.vector : undefined;
    if (w !== undefined && affected.some((primary) => isMultiple(residuals[primary] as SparseVector, w, q))) {
      secondary.push(cell.id);
      continue;
    }
    basis.add(candidate);
    for (const primary of affected) {
      const residual = residuals[primary] as SparseVector;
      if (!eliminateAt(residual, w as SparseVector, q, track(primary))) {
        makePrimitive(residual);
      }
      if (residual.size === 0) {
        throw new PublisherError('E_INTERNAL', `secondarySuppression: primary "${primaries[primary]?.id}" was exposed`);
      }
    }
    published.push(cell.id);
  }
  return {
    published: published.sort(byCodeUnits),
    primary: allPrimaries.map((cell) => cell.id).sort(byCodeUnits),
    secondary: secondary.sort(byCodeUnits),
  };
}

function checkSuppressionInput(cells: ReadonlyArray<SuppressionCell>): void {
  checkCellVectors(cells, 'cells');
  cells.forEach((cell, position) => {
    if (typeof cell.cost !== 'number' || !Number.isFinite(cell.cost)) {
      throw new PublisherError(
        'E_INTERNAL',
        `cells[${position}] (id "${cell.id}"): cost must be a finite number, got ${cell.cost}`,
      );
    }
    if (cell.primary && cell.inner.length === 0) {
      throw new PublisherError(
        'E_PRIVACY_CHECK',
        `primary cell "${cell.id}" has no inner cells: its value (0) is known to everyone and cannot be protected`,
      );
    }
  });
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
