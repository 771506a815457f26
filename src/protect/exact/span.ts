// Incremental row-echelon basis of sparse integer vectors, with exact fraction-free elimination on BigInt.
//
// A vector is a `Map<index, nonzero bigint>` (absent = 0). Each basis row is stored under its *pivot* (its smallest
// index) and kept primitive (gcd of entries 1) with a positive pivot entry. Reducing a vector eliminates every
// pivot column it touches, smallest index first (a min-heap of indices, since elimination only creates entries to the
// right of the pivot), so a residual is zero on *all* pivot columns. That makes the residual unique for a given span
// and pivot set, and lets `secondarySuppression` decide with one look whether a new row would zero another residual.
//
// Fraction-free: eliminating `a` at the pivot with a row whose pivot entry is `b` subtracts `(a/b)·row` when `b`
// divides `a` (always, for 0/1 data with pivot entries 1: the common case costs O(|row|)), otherwise scales the target
// by `b/gcd` first. Residuals are made primitive at the end, so entries stay small.

import { PublisherError } from '../../core/errors.js';
import { gcd } from './rational.js';

export type SparseVector = Map<number, bigint>;

export interface Residual {
  /** Zero on every pivot column of the basis it was reduced by; primitive, `vector.get(lead) > 0`. */
  readonly vector: ReadonlyMap<number, bigint>;
  /** Smallest index with a nonzero entry, or -1 when the vector lies in the span. */
  readonly lead: number;
  /** The basis state this residual is valid for: `add` refuses a stale one. */
  readonly basisVersion: number;
}

/** A published or suppressed cell: the sum over `inner`, its sorted, distinct inner-cell indices. */
export interface CellVector {
  id: string;
  inner: readonly number[];
}

/**
 * Checks ids are distinct non-empty strings and `inner` lists are sorted, distinct, non-negative safe integers.
 * `what` names the argument in messages ("cells", "published").
 */
export function checkCellVectors(cells: ReadonlyArray<CellVector>, what: string, seen = new Set<string>()): void {
  cells.forEach((cell, position) => {
    if (typeof cell.id !== 'string' || cell.id === '') {
      throw new PublisherError(
        'E_INTERNAL',
        `${what}[${position}]: id must be a non-empty string, got ${String(cell.id)}`,
      );
    }
    if (seen.has(cell.id)) {
      throw new PublisherError('E_INTERNAL', `${what}[${position}]: id "${cell.id}" appears more than once`);
    }
    seen.add(cell.id);
    let previous = -1;
    for (const index of cell.inner) {
      if (!Number.isSafeInteger(index) || index < 0) {
        throw new PublisherError(
          'E_INTERNAL',
          `${what}[${position}] (id "${cell.id}"): inner indices must be non-negative integers, got ${index}`,
        );
      }
      if (index <= previous) {
        throw new PublisherError(
          'E_INTERNAL',
          `${what}[${position}] (id "${cell.id}"): inner must be sorted ascending without repeats, got ${index} after ${previous}`,
        );
      }
      previous = index;
    }
  });
}

/** A 0/1 vector from its indices. */
export function indicator(indices: Iterable<number>): SparseVector {
  const vector: SparseVector = new Map();
  for (const index of indices) {
    vector.set(index, 1n);
  }
  return vector;
}

export class EchelonBasis {
  private readonly rows = new Map<number, ReadonlyMap<number, bigint>>();
  private version = 0;

  get rank(): number {
    return this.rows.size;
  }

  /** The basis row whose pivot is `pivot`, if any. */
  row(pivot: number): ReadonlyMap<number, bigint> | undefined {
    return this.rows.get(pivot);
  }

  /** Reduces a copy of `vector` by every row; does not change the basis. */
  reduce(vector: ReadonlyMap<number, bigint>): Residual {
    const v: SparseVector = new Map();
    for (const [index, value] of vector) {
      if (value !== 0n) {
        v.set(index, value);
      }
    }
    const heap = new MinHeap([...v.keys()].sort((a, b) => a - b));
    const push = (index: number, present: boolean): void => {
      if (present) {
        heap.push(index);
      }
    };
    let lead = -1;
    let previous = Number.NEGATIVE_INFINITY;
    while (heap.size > 0) {
      const p = heap.pop();
      if (p === previous) {
        continue; // an index deleted then re-created is queued twice; duplicates pop back to back
      }
      previous = p;
      if (!v.has(p)) {
        continue;
      }
      const row = this.rows.get(p);
      if (row === undefined) {
        if (lead === -1) {
          lead = p; // later eliminations only touch larger indices: this entry is final
        }
        continue;
      }
      eliminateAt(v, row, p, push);
    }
    if (lead !== -1) {
      makePrimitive(v, lead);
    }
    return { vector: v, lead, basisVersion: this.version };
  }

  /** Adds a nonzero residual that `reduce` returned for the current basis. */
  add(residual: Residual): void {
    if (residual.basisVersion !== this.version) {
      throw new PublisherError(
        'E_INTERNAL',
        `EchelonBasis.add: residual was reduced against basis version ${residual.basisVersion}, basis is at ${this.version}`,
      );
    }
    if (residual.lead === -1) {
      throw new PublisherError(
        'E_INTERNAL',
        'EchelonBasis.add: the residual is zero (the vector is already in the span)',
      );
    }
    this.rows.set(residual.lead, residual.vector);
    this.version += 1;
  }

  /** Adds `vector` to the span; returns false when it was already in it. */
  insert(vector: ReadonlyMap<number, bigint>): boolean {
    const residual = this.reduce(vector);
    if (residual.lead === -1) {
      return false;
    }
    this.add(residual);
    return true;
  }

  contains(vector: ReadonlyMap<number, bigint>): boolean {
    return this.reduce(vector).lead === -1;
  }
}

/**
 * Eliminates `target[pivot]` with `row` in place: `target := s·target − f·row` with integers s, f chosen so the pivot
 * entry cancels (s = 1 whenever `row[pivot]` divides `target[pivot]`). Reports every index that enters or leaves the
 * target's support through `onSupport`. Returns false when the target was scaled (so may no longer be primitive).
 */
export function eliminateAt(
  target: SparseVector,
  row: ReadonlyMap<number, bigint>,
  pivot: number,
  onSupport?: (index: number, present: boolean) => void,
): boolean {
  const a = target.get(pivot);
  const b = row.get(pivot);
  if (a === undefined) {
    return true;
  }
  if (b === undefined || b === 0n) {
    throw new PublisherError('E_INTERNAL', `eliminateAt: the row has no entry at its pivot ${pivot}`);
  }
  let factor: bigint;
  let unscaled = true;
  if (a % b === 0n) {
    factor = a / b;
  } else {
    const g = gcd(a, b);
    const scale = b / g;
    factor = a / g;
    for (const [index, value] of target) {
      target.set(index, value * scale);
    }
    unscaled = false;
  }
  for (const [index, value] of row) {
    const before = target.get(index);
    const after = (before ?? 0n) - factor * value;
    if (after === 0n) {
      target.delete(index);
      if (before !== undefined) {
        onSupport?.(index, false);
      }
    } else {
      target.set(index, after);
      if (before === undefined) {
        onSupport?.(index, true);
      }
    }
  }
  return unscaled;
}

/** Divides by the gcd of the entries and, when `lead` is given, makes `vector[lead]` positive. */
export function makePrimitive(vector: SparseVector, lead?: number): void {
  let g = 0n;
  for (const value of vector.values()) {
    g = gcd(g, value);
    if (g === 1n) {
      break;
    }
  }
  const sign = lead !== undefined && (vector.get(lead) ?? 1n) < 0n ? -1n : 1n;
  const divisor = sign * (g === 0n ? 1n : g);
  if (divisor !== 1n) {
    for (const [index, value] of vector) {
      vector.set(index, value / divisor);
    }
  }
}

/** Whether a = λ·b for some nonzero λ (both nonzero sparse vectors; `at` is an index where b is nonzero). */
export function isMultiple(a: ReadonlyMap<number, bigint>, b: ReadonlyMap<number, bigint>, at: number): boolean {
  const aAt = a.get(at);
  const bAt = b.get(at);
  if (aAt === undefined || bAt === undefined || a.size !== b.size) {
    return false;
  }
  for (const [index, value] of b) {
    const other = a.get(index);
    if (other === undefined || other * bAt !== value * aAt) {
      return false;
    }
  }
  return true;
}

/** Binary min-heap of non-negative integers. */
class MinHeap {
  constructor(private readonly items: number[]) {} // a sorted array is already a valid heap

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    let i = items.length;
    items.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = items[parent] as number;
      if (up <= value) {
        break;
      }
      items[i] = up;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.items;
    const top = items[0] as number;
    const last = items.pop() as number;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) {
          break;
        }
        const right = left + 1;
        const child = right < n && (items[right] as number) < (items[left] as number) ? right : left;
        const down = items[child] as number;
        if (down >= last) {
          break;
        }
        items[i] = down;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
