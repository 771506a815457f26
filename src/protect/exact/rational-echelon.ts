// The audit's quick pass: which suppressed cells lie in the span of the published ones, decided over
// exact rationals with an echelon form of its own (not span.ts's fraction-free integers: the audit
// must not share the suppression's arithmetic). Two steps:
//
// 1. A modular certificate rules most cells out at the cost of one dot product each. With echelon rows
//    e_j (rationals, entries defined mod M, pivot entries invertible mod M), a vector y over F_M with
//    e_j·y ≡ 0 for every j is built by back-substitution, then checked row by row. A published-span
//    vector x = Σ c_j·e_j has coefficients from forward substitution on the pivots, all defined mod M,
//    so x·y ≡ 0; hence x·y ≢ 0 proves x outside the span.
// 2. The cells with x·y ≡ 0 are reduced exactly; a zero residual means derivable.
//
// Column order and insertion order only change the cost, never the span: the cells of the largest
// published vectors take the smallest labels (pivots there), vectors are inserted sparsest first.

import { PublisherError } from '../../core/errors.js';
import { Rational } from './rational.js';
import { type CellVector, MinHeap } from './span.js';

/** A prime below 2^26 (a product of two residues is an exact double), not the one exact/reach.ts uses. */
const MODULUS = 67_108_837;

type Vector = Map<number, Rational>;

/**
 * An echelon row once built, which never changes: columns ascending (the pivot first, entry 1) and
 * their entries. Packed, a row costs about 12 bytes an entry (small integers are shared Rationals); as a
 * Map it cost about ten times that, which on the largest day of a 50M quarter was 600 MB.
 */
interface Row {
  columns: Int32Array;
  values: Rational[];
}

/** For each suppressed cell (same order): whether it lies in the span of the published cells. */
export function inPublishedSpan(published: readonly CellVector[], suppressed: readonly CellVector[]): boolean[] {
  if (suppressed.length === 0) return [];
  const weight = new Map<number, number>();
  for (const cell of published)
    for (const index of cell.inner) weight.set(index, (weight.get(index) ?? 0) + cell.inner.length);
  const columns = [...weight.keys()].sort((a, b) => (weight.get(b) as number) - (weight.get(a) as number) || a - b);
  const label = new Map(columns.map((index, position) => [index, position]));
  const labelled = (cell: CellVector): Vector =>
    new Map(cell.inner.map((index) => [label.get(index) ?? label.size + index, Rational.ONE]));

  const rows = new Map<number, Row>(); // pivot label -> row, entry 1 at the pivot, nothing left of it
  for (const cell of [...published].sort((a, b) => a.inner.length - b.inner.length)) {
    const { residual, lead } = reduce(labelled(cell), rows);
    if (lead !== -1) {
      const scale = Rational.ONE.div(residual.get(lead) as Rational);
      const columns = Int32Array.from(residual.keys()).sort();
      rows.set(lead, {
        columns,
        values: Array.from(columns, (column) => (residual.get(column) as Rational).mul(scale)),
      });
    }
  }
  const y = checkVector(rows);
  return suppressed.map((cell) => {
    const x = labelled(cell);
    if (y !== undefined) {
      let dot = 0;
      for (const index of x.keys()) dot = (dot + at(y, index)) % MODULUS;
      if (dot !== 0) return false;
    }
    return reduce(x, rows).lead === -1;
  });
}

/** x minus the rows at its pivots, smallest label first; `lead` is the first entry left, -1 if none. */
function reduce(x: Vector, rows: ReadonlyMap<number, Row>): { residual: Vector; lead: number } {
  const heap = new MinHeap([...x.keys()].sort((a, b) => a - b));
  let lead = -1;
  let previous = -1;
  while (heap.size > 0) {
    const p = heap.pop();
    if (p === previous) continue;
    previous = p;
    const factor = x.get(p);
    if (factor === undefined) continue;
    const row = rows.get(p);
    if (row === undefined) {
      if (lead === -1) lead = p;
      continue;
    }
    for (let n = 0; n < row.columns.length; n++) {
      const index = row.columns[n] as number;
      const value = row.values[n] as Rational;
      const before = x.get(index);
      const after = (before ?? Rational.ZERO).sub(factor.mul(value));
      if (after.isZero()) x.delete(index);
      else {
        x.set(index, after);
        if (before === undefined) heap.push(index);
      }
    }
  }
  return { residual: x, lead };
}

/** Free columns get fixed pseudo-random residues (the check must not depend on the run). */
function at(y: Map<number, number>, index: number): number {
  let value = y.get(index);
  if (value === undefined) {
    value = ((Math.imul(index + 1, 0x9e3779b1) >>> 0) % (MODULUS - 1)) + 1;
    y.set(index, value);
  }
  return value;
}

/** y with e_j·y ≡ 0 (mod M) for every row, checked; undefined when some entry is not defined mod M. */
function checkVector(rows: ReadonlyMap<number, Row>): Map<number, number> | undefined {
  const residues = new Map<number, Array<[number, number]>>();
  for (const [pivot, row] of rows) {
    const entries: Array<[number, number]> = [];
    for (let n = 0; n < row.columns.length; n++) {
      const index = row.columns[n] as number;
      const value = row.values[n] as Rational;
      if (index === pivot) continue; // the pivot entry is 1
      const r = residue(value);
      if (r === undefined) return undefined;
      entries.push([index, r]);
    }
    residues.set(pivot, entries);
  }
  const y = new Map<number, number>();
  // Largest pivot first: every entry right of a row's pivot is then known (a free column, or a later pivot).
  for (const pivot of [...rows.keys()].sort((a, b) => b - a)) {
    let sum = 0;
    for (const [index, r] of residues.get(pivot) as Array<[number, number]>) sum = (sum + r * at(y, index)) % MODULUS;
    y.set(pivot, (MODULUS - sum) % MODULUS);
  }
  for (const [pivot, entries] of residues) {
    let dot = y.get(pivot) as number;
    for (const [index, r] of entries) dot = (dot + r * at(y, index)) % MODULUS;
    if (dot !== 0) {
      throw new PublisherError('E_INTERNAL', `inPublishedSpan: the check vector is not orthogonal to row ${pivot}`);
    }
  }
  return y;
}

function residue(value: Rational): number | undefined {
  const { num, den } = value.residues(MODULUS);
  if (den === 0) return undefined;
  return den === 1 ? num : (num * inverse(den)) % MODULUS;
}

/** a^(M−2) mod M: the inverse of a nonzero residue (Fermat). */
function inverse(a: number): number {
  let result = 1;
  let base = a % MODULUS;
  for (let e = MODULUS - 2; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = (result * base) % MODULUS;
    base = (base * base) % MODULUS;
  }
  return result;
}
