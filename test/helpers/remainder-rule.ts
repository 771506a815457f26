// The remainder rule (sdcTable's `threshold`, tau-ARGUS PS2) as a reference for tests.
// src/ does not apply it: the linked-row protection (src/protect/linked.ts) guarantees only that no
// suppressed row is a linear combination of published ones. gauss-suppression.test.ts uses this to show
// what that guarantee leaves open (the singleton problem) and how a virtual primary cell closes it.
import { type CellVector, checkCellVectors } from '../../src/protect/exact/span.js';

export interface RemainderCell extends CellVector {
  published: boolean;
}

export interface RemainderInput {
  cells: ReadonlyArray<RemainderCell>;
  /** Contributor ids (e.g. hashed machine ids) of each inner cell, by inner-cell index; missing = no contributor. */
  contributors: ReadonlyArray<ReadonlyArray<string | number> | undefined>;
  /** Minimum number of distinct contributors a published figure must rest on. */
  k: number;
}

export interface RemainderViolation {
  /** The published cell whose remainder is too small. */
  id: string;
  /** Inner cells of the published cell not covered by any published cell inside it. */
  remainder: number[];
  /** Distinct contributors in `remainder`: between 1 and k − 1. */
  contributors: number;
}

/**
 * Remainder rule (sdcTable's `threshold`, τ-ARGUS PS2): for every published cell M, the part of M
 * not covered by published cells inside it, `M − Σ published sub-cells` when those form a partition, is as good as
 * published, so it must rest on 0 or ≥ k distinct contributors. This is what the linear guarantee of
 * `secondarySuppression` misses: a total with two single-contributor children suppressed is linearly safe, yet each
 * contributor subtracts its own value and learns the other's (the singleton problem).
 *
 * A published cell with no published sub-cell is its own remainder, so this also checks "every published cell rests on
 * ≥ k contributors". When published sub-cells overlap, the remainder by union may not be exactly derivable: the check
 * is then conservative (it may report more, never less, than the remainders that are).
 *
 * Fixing a violation belongs to the caller: either suppress one more published sub-cell of M (the cheapest) and rerun
 * `secondarySuppression`, or, as GaussSuppression's `singletonMethod = "subSum"` does, add a *virtual* primary cell
 * whose inner cells are the suppressed children's union: `secondarySuppression` then keeps that sum underivable too
 * (drop the virtual cell from the output).
 */
export function remainderViolations(input: RemainderInput): RemainderViolation[] {
  const { cells, contributors, k } = input;
  if (!Number.isSafeInteger(k) || k < 1) {
    throw new Error(`remainderViolations: k must be an integer from 1 up, got ${k}`);
  }
  checkCellVectors(cells, 'cells');
  const published = cells.filter((cell) => cell.published);
  const cellsAt = new Map<number, number[]>();
  published.forEach((cell, position) => {
    for (const index of cell.inner) {
      const list = cellsAt.get(index);
      if (list === undefined) {
        cellsAt.set(index, [position]);
      } else {
        list.push(position);
      }
    }
  });

  const violations: RemainderViolation[] = [];
  published.forEach((cell, position) => {
    const shared = new Map<number, number>(); // other published cell -> inner cells shared with `cell`
    for (const index of cell.inner) {
      for (const other of cellsAt.get(index) ?? []) {
        if (other !== position) {
          shared.set(other, (shared.get(other) ?? 0) + 1);
        }
      }
    }
    const covered = new Set<number>();
    for (const [other, count] of shared) {
      const inside = published[other] as RemainderCell;
      if (count === inside.inner.length) {
        for (const index of inside.inner) {
          covered.add(index);
        }
      }
    }
    const remainder = cell.inner.filter((index) => !covered.has(index));
    const who = new Set<string | number>();
    for (const index of remainder) {
      for (const contributor of contributors[index] ?? []) {
        who.add(contributor);
      }
    }
    if (who.size > 0 && who.size < k) {
      violations.push({ id: cell.id, remainder, contributors: who.size });
    }
  });
  return violations.sort((a, b) => compareIds(a.id, b.id));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
