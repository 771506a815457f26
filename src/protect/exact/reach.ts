// Which protected cells some combination of candidate cells could ever give: the cells secondary
// suppression must watch. A primary outside the span of *every* candidate is outside the span of any
// subset of them, so no publication can expose it, and dropping it changes no decision of the greedy.
// On a day of a table family that leaves a few dozen of twenty thousand figures.
//
// The certificate is exact, though the arithmetic is modular. With an exact echelon basis b_j of the
// candidates (span.ts, integers, pivot entries π_j not divisible by the prime P), a vector y over F_P
// with b_j·y ≡ 0 (mod P) for every j is built and checked. If p = Σ c_j·b_j over the rationals, the
// c_j follow from the triangular pivots with denominators products of the π_j, invertible mod P, so
// p·y ≡ Σ c_j·(b_j·y) ≡ 0. Hence p·y ≢ 0 proves p outside the span. A p with p·y ≡ 0 for both random
// vectors is kept (possibly in the span; keeping is always safe).

import { PublisherError } from '../../core/errors.js';
import { type CellVector, EchelonBasis, heavyFirstLabels } from './span.js';

/** A prime below 2^26: a product of two residues is an exact double. */
export const PRIME = 67_108_859;
const BIG_PRIME = BigInt(PRIME);

const mulMod = (a: number, b: number): number => (a * b) % PRIME;

function powMod(base: number, exponent: number): number {
  let result = 1;
  let b = base % PRIME;
  let e = exponent;
  while (e > 0) {
    if (e & 1) result = mulMod(result, b);
    b = mulMod(b, b);
    e = Math.floor(e / 2);
  }
  return result;
}

/** The inverse of a nonzero residue (Fermat). */
export function inverseMod(a: number): number {
  if (a % PRIME === 0) {
    throw new PublisherError('E_INTERNAL', 'inverseMod: 0 has no inverse');
  }
  return powMod(((a % PRIME) + PRIME) % PRIME, PRIME - 2);
}

/** The residue of an integer (bigint, or a number that is a safe integer) in [0, P). */
function toResidue(value: bigint | number): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    return ((value % PRIME) + PRIME) % PRIME;
  }
  const big = BigInt(value);
  return Number(((big % BIG_PRIME) + BIG_PRIME) % BIG_PRIME);
}

/** A deterministic stream of residues (xorshift32): the result must not depend on the run. */
function residues(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state % (PRIME - 1)) + 1;
  };
}

/**
 * The primaries that may lie in the span of the candidates, in input order. Each one left out is proven
 * outside it (see the file comment). Returns every primary when the proof's conditions do not hold.
 */
export function primariesInReach<T extends CellVector>(
  candidates: readonly CellVector[],
  primaries: readonly T[],
): T[] {
  if (primaries.length === 0) return [];
  // Rows sparsest first, heavy inner cells as pivots (span.ts heavyFirstLabels): on a day of the
  // six-table family 0.15 s instead of 1.0 s.
  const label = heavyFirstLabels(candidates);
  const labelled = (cell: CellVector) => cell.inner.map(label);
  const basis = new EchelonBasis();
  for (const cell of [...candidates].sort((a, b) => a.inner.length - b.inner.length)) {
    const residual = basis.reduceIndicator(labelled(cell));
    if (residual.lead !== -1) basis.add(residual);
  }
  const shapes = primaries.map(labelled);
  const kernel = [kernelVector(basis, shapes, 0x9e3779b9), kernelVector(basis, shapes, 0x85ebca6b)];
  if (kernel.some((y) => y === undefined)) {
    return [...primaries];
  }
  return primaries.filter((_, n) =>
    kernel.every((y) => {
      let dot = 0;
      for (const index of shapes[n] as number[]) {
        dot = (dot + ((y as Float64Array)[index] as number)) % PRIME;
      }
      return dot === 0;
    }),
  );
}

/**
 * A y over F_P orthogonal to every basis row, random on the free columns the primaries touch, checked
 * row by row; undefined when a pivot entry is divisible by P. Columns no primary or row touches stay 0.
 */
function kernelVector(basis: EchelonBasis, primaries: readonly number[][], seed: number): Float64Array | undefined {
  const next = residues(seed);
  const pivots = [...basis.pivots()].sort((a, b) => b - a);
  const rows = new Map<number, { columns: ArrayLike<number>; residues: number[] }>();
  let width = 0;
  for (const pivot of pivots) {
    const packed = basis.packedRow(pivot);
    const columns = packed?.columns ?? [...(basis.row(pivot) as ReadonlyMap<number, bigint>).keys()];
    const values: ArrayLike<number | bigint> = packed?.values ?? [
      ...(basis.row(pivot) as ReadonlyMap<number, bigint>).values(),
    ];
    const residuesOfRow = Array.from(values, (value) =>
      typeof value === 'number' ? toResidue(value) : toResidue(value),
    );
    rows.set(pivot, { columns, residues: residuesOfRow });
    for (let n = 0; n < columns.length; n++) width = Math.max(width, (columns[n] as number) + 1);
  }
  for (const primary of primaries) for (const index of primary) width = Math.max(width, index + 1);
  const y = new Float64Array(width);
  for (let index = 0; index < width; index++) y[index] = rows.has(index) ? 0 : next();
  // Largest pivot first: a row's entries right of its pivot are then known.
  for (const pivot of pivots) {
    const { columns, residues: r } = rows.get(pivot) as { columns: ArrayLike<number>; residues: number[] };
    let lead = 0;
    let sum = 0;
    for (let n = 0; n < columns.length; n++) {
      if (columns[n] === pivot) lead = r[n] as number;
      else sum = (sum + mulMod(r[n] as number, y[columns[n] as number] as number)) % PRIME;
    }
    if (lead === 0) return undefined;
    y[pivot] = mulMod((PRIME - sum) % PRIME, inverseMod(lead));
  }
  for (const [pivot, { columns, residues: r }] of rows) {
    let dot = 0;
    for (let n = 0; n < columns.length; n++)
      dot = (dot + mulMod(r[n] as number, y[columns[n] as number] as number)) % PRIME;
    if (dot !== 0) {
      throw new PublisherError('E_INTERNAL', `primariesInReach: the kernel vector is not orthogonal to row ${pivot}`);
    }
  }
  return y;
}
