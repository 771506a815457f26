// The independent re-check of secondary suppression: which suppressed cells a reader computes exactly
// from published ones, each with a witness. A different code path from gauss-suppression.ts on purpose
// (exact rationals, a reduced echelon form), so one bug cannot hide in both.

import { PublisherError } from '../../core/errors.js';
import { Rational } from './rational.js';
import { inPublishedSpan } from './rational-echelon.js';
import { type CellVector, checkCellVectors } from './span.js';

export type { CellVector } from './span.js';

export interface DerivableCell {
  id: string;
  /** Published ids and exact coefficients (`-1`, `1/2`) with Σ coefficient·vector = the suppressed cell's vector. */
  witness: Array<{ id: string; coefficient: string }>;
}

/**
 * Independent audit (privacy.md test 3, PS1): every suppressed cell whose vector lies in the span of the published
 * vectors, i.e. whose value an attacker computes exactly from published values, with a witness.
 *
 * Deliberately a different code path from `secondarySuppression`: exact rationals instead of fraction-free integers.
 * A first pass only decides (rational-echelon.ts: an echelon form of its own with a modular certificate that rules
 * most cells out in one dot product each). If anything is derivable, a second pass builds a *reduced* echelon form
 * (every row zero on every other row's pivot), tracking for every row the combination of published cells it stands
 * for, and each witness is checked by summing it back before it is returned.
 *
 * Result sorted by id; witnesses sorted by id, zero coefficients left out.
 */
export function findDerivableCells(
  published: readonly CellVector[],
  suppressed: readonly CellVector[],
): DerivableCell[] {
  const seen = new Set<string>();
  checkCellVectors(published, 'published', seen);
  checkCellVectors(suppressed, 'suppressed', seen);
  const ordered = [...published].sort((a, b) => a.inner.length - b.inner.length || compareIds(a.id, b.id));

  const inSpan = inPublishedSpan(ordered, suppressed);
  const derivable = suppressed.filter((_, n) => inSpan[n]);
  if (derivable.length === 0) {
    return [];
  }
  const full = buildBasis(ordered, true);
  return derivable
    .map((cell) => {
      const { residual, combination } = full.reduce(cell);
      if (residual.size !== 0 || combination === undefined) {
        throw new PublisherError('E_INTERNAL', `findDerivableCells: passes disagree on "${cell.id}"`);
      }
      const witness = [...combination]
        .filter(([, coefficient]) => !coefficient.isZero())
        .map(([position, coefficient]) => ({ cell: ordered[position] as CellVector, coefficient }))
        .sort((a, b) => compareIds(a.cell.id, b.cell.id));
      checkWitness(cell, witness);
      return {
        id: cell.id,
        witness: witness.map(({ cell: source, coefficient }) => ({
          id: source.id,
          coefficient: coefficient.toString(),
        })),
      };
    })
    .sort((a, b) => compareIds(a.id, b.id));
}

const MINUS_ONE = Rational.of(-1);

interface Row {
  /** Entry 1 at the pivot, 0 (absent) at every other pivot. */
  vector: Map<number, Rational>;
  /** Published positions → coefficients: `vector = Σ coefficient·published[position]` (second pass only). */
  combination: Map<number, Rational> | undefined;
}

interface ReducedEchelon {
  reduce(cell: CellVector): { residual: Map<number, Rational>; combination: Map<number, Rational> | undefined };
}

function buildBasis(ordered: readonly CellVector[], trackCombination: boolean): ReducedEchelon {
  const rows = new Map<number, Row>(); // pivot -> row
  const rowsAt = new Map<number, Set<number>>(); // non-pivot column -> pivots of the rows with an entry there

  const link = (pivot: number) => (column: number, present: boolean) => {
    let set = rowsAt.get(column);
    if (present) {
      if (set === undefined) {
        set = new Set();
        rowsAt.set(column, set);
      }
      set.add(pivot);
    } else {
      set?.delete(pivot);
    }
  };

  // x − Σ x[k]·row_k over the pivots k in x's support: zero on every pivot since rows vanish on each other's pivots.
  const reduce = (cell: CellVector, position?: number) => {
    const residual = new Map<number, Rational>();
    const combination = trackCombination ? new Map<number, Rational>() : undefined;
    if (combination !== undefined && position !== undefined) {
      combination.set(position, Rational.ONE);
    }
    for (const index of cell.inner) {
      const row = rows.get(index);
      if (row === undefined) {
        addScaled(residual, Rational.ONE, new Map([[index, Rational.ONE]]));
      } else {
        addScaled(residual, MINUS_ONE, row.vector, undefined, index); // x[index] = row[index] = 1 cancel
        if (combination !== undefined && row.combination !== undefined) {
          addScaled(combination, MINUS_ONE, row.combination);
        }
      }
    }
    return { residual, combination: combination === undefined ? undefined : negateUnless(combination, position) };
  };

  ordered.forEach((cell, position) => {
    const { residual, combination } = reduce(cell, position);
    if (residual.size === 0) {
      return; // already in the span
    }
    const pivot = choosePivot(residual, rowsAt);
    const scale = Rational.ONE.div(residual.get(pivot) as Rational);
    const vector = scaled(residual, scale);
    const row: Row = { vector, combination: combination === undefined ? undefined : scaled(combination, scale) };
    for (const other of [...(rowsAt.get(pivot) ?? [])]) {
      const target = rows.get(other) as Row;
      const factor = (target.vector.get(pivot) as Rational).neg();
      addScaled(target.vector, factor, vector, link(other));
      if (target.combination !== undefined && row.combination !== undefined) {
        addScaled(target.combination, factor, row.combination);
      }
    }
    rowsAt.delete(pivot);
    const add = link(pivot);
    for (const column of vector.keys()) {
      if (column !== pivot) {
        add(column, true);
      }
    }
    rows.set(pivot, row);
  });

  return { reduce: (cell) => reduce(cell) };
}

/**
 * The residual of a published vector x is x − Σ row_k, and its combination e_x − Σ combination_k. While reducing, the
 * rows' combinations are subtracted into `combination`; for a suppressed cell (no position) the witness is Σ
 * combination_k, so flip the sign back.
 */
function negateUnless(combination: Map<number, Rational>, position: number | undefined): Map<number, Rational> {
  if (position !== undefined) {
    return combination;
  }
  for (const [key, value] of combination) {
    combination.set(key, value.neg());
  }
  return combination;
}

/** target += factor·source, in place; index `skip` of source is left out; support changes reported through `onSupport`. */
function addScaled(
  target: Map<number, Rational>,
  factor: Rational,
  source: ReadonlyMap<number, Rational>,
  onSupport?: (index: number, present: boolean) => void,
  skip?: number,
): void {
  for (const [index, value] of source) {
    if (index === skip) {
      continue;
    }
    const before = target.get(index);
    const after = (before ?? Rational.ZERO).add(factor.mul(value));
    if (after.isZero()) {
      if (before !== undefined) {
        target.delete(index);
        onSupport?.(index, false);
      }
    } else {
      target.set(index, after);
      if (before === undefined) {
        onSupport?.(index, true);
      }
    }
  }
}

function scaled(vector: ReadonlyMap<number, Rational>, factor: Rational): Map<number, Rational> {
  const result = new Map<number, Rational>();
  for (const [index, value] of vector) {
    result.set(index, value.mul(factor));
  }
  return result;
}

/** The column whose elimination touches the fewest existing rows; smallest index on ties. */
function choosePivot(
  residual: ReadonlyMap<number, Rational>,
  rowsAt: ReadonlyMap<number, ReadonlySet<number>>,
): number {
  let best = -1;
  let bestTouches = Number.POSITIVE_INFINITY;
  for (const column of residual.keys()) {
    const touches = rowsAt.get(column)?.size ?? 0;
    if (touches < bestTouches || (touches === bestTouches && column < best)) {
      best = column;
      bestTouches = touches;
    }
  }
  return best;
}

function checkWitness(cell: CellVector, witness: ReadonlyArray<{ cell: CellVector; coefficient: Rational }>): void {
  const sum = new Map<number, Rational>();
  for (const { cell: source, coefficient } of witness) {
    addScaled(sum, coefficient, new Map(source.inner.map((index) => [index, Rational.ONE])));
  }
  const expected = new Set(cell.inner);
  const exact =
    sum.size === expected.size && [...sum].every(([index, value]) => expected.has(index) && value.equals(Rational.ONE));
  if (!exact) {
    throw new PublisherError('E_INTERNAL', `findDerivableCells: the witness for "${cell.id}" does not reconstruct it`);
  }
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
