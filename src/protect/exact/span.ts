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
import { gcd, gcdNumber } from './rational.js';

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

/**
 * Inner index -> label for an elimination with few fill-ins: the inner cells covered by the largest
 * rows take the smallest labels, so become pivots. Any labelling spans the same space; this one kept a
 * day of the table family at 80k basis entries instead of 877k (reach.ts), and its greedy's basis at
 * 2.9M entries instead of 4.3M. Inner cells of `others` alone come last; any other index gets a
 * label after all of them. Inner lists are sorted (checkCellVectors).
 */
export function heavyFirstLabels(
  cells: ReadonlyArray<CellVector>,
  others: ReadonlyArray<CellVector> = [],
): (index: number) => number {
  let width = 0;
  for (const list of [cells, others])
    for (const cell of list) if (cell.inner.length > 0) width = Math.max(width, (cell.inner.at(-1) as number) + 1);
  const weight = new Float64Array(width);
  const present = new Uint8Array(width);
  for (const cell of cells)
    for (const index of cell.inner) {
      weight[index] = (weight[index] as number) + cell.inner.length;
      present[index] = 1;
    }
  for (const cell of others) for (const index of cell.inner) present[index] = 1;
  const columns: number[] = [];
  for (let index = 0; index < width; index++) if (present[index] === 1) columns.push(index);
  columns.sort((a, b) => (weight[b] as number) - (weight[a] as number) || a - b);
  const label = new Int32Array(width).fill(-1);
  for (const [position, index] of columns.entries()) label[index] = position;
  // An index of neither list: a label of its own, after every listed one.
  return (index) => (index < width && label[index] !== -1 ? (label[index] as number) : columns.length + index);
}

/** A 0/1 vector from its indices. */
export function indicator(indices: Iterable<number>): SparseVector {
  const vector: SparseVector = new Map();
  for (const index of indices) {
    vector.set(index, 1n);
  }
  return vector;
}

/** A row packed for the fast path: columns ascending (the pivot first), entries as exact small integers. */
export interface PackedRow {
  readonly columns: Int32Array;
  /** Within ±FAST_LIMIT (2^26): 32 bits hold them, a third less memory than doubles for the same basis. */
  readonly values: Int32Array;
}

/**
 * Entries above this never enter the fast path's arithmetic: a product of two of them is still an exact double
 * (|f·value| < 2^53 needs |f|, |value| < 2^26.5). A reduction that would exceed it redoes itself on BigInt.
 */
const FAST_LIMIT = 2 ** 26;
const FAST_LIMIT_BIG = BigInt(FAST_LIMIT);

/** A residual held in one form or both: packed doubles (the fast path) and a BigInt map, made when asked for. */
class HeldResidual implements Residual {
  private map: SparseVector | undefined;

  constructor(
    readonly lead: number,
    readonly basisVersion: number,
    readonly packed: PackedRow | undefined,
    map?: SparseVector,
  ) {
    this.map = map;
  }

  /** Drops the BigInt form when the packed one holds the row: a basis keeps one form, not both. */
  compact(): void {
    if (this.packed !== undefined) this.map = undefined;
  }

  get vector(): ReadonlyMap<number, bigint> {
    if (this.map === undefined) {
      const map: SparseVector = new Map();
      const { columns, values } = this.packed as PackedRow;
      for (let n = 0; n < columns.length; n++) map.set(columns[n] as number, BigInt(values[n] as number));
      this.map = map;
    }
    return this.map;
  }
}

export class EchelonBasis {
  private readonly rows = new Map<number, HeldResidual>();
  private workspace = new Float64Array(0);
  private nonzero = new Int32Array(0); // bitset of the workspace entries still to visit
  private seen = new Uint8Array(0); // marks the workspace entries listed in `touched`, so each is listed once
  private readonly byPivot: Array<HeldResidual | undefined> = []; // `rows` indexed by pivot, for the fast path
  private width = 0; // one past the largest column of any row
  private version = 0;

  get rank(): number {
    return this.rows.size;
  }

  /** The basis row whose pivot is `pivot`, if any. */
  row(pivot: number): ReadonlyMap<number, bigint> | undefined {
    return this.rows.get(pivot)?.vector;
  }

  /** The row in packed form; undefined when there is no such row or an entry is too large for doubles. */
  packedRow(pivot: number): PackedRow | undefined {
    return this.rows.get(pivot)?.packed;
  }

  /** Pivot columns, in no particular order. */
  pivots(): IterableIterator<number> {
    return this.rows.keys();
  }

  /**
   * Reduces a copy of `vector` by every row; does not change the basis. Exact either way: on small integers
   * (every entry of 0/1 data stays tiny) the elimination runs on doubles in a dense workspace, and falls back to
   * BigInt maps when an entry or a row could leave the range where doubles are exact.
   */
  reduce(vector: ReadonlyMap<number, bigint>): Residual {
    const indices: number[] = [];
    const values: number[] = [];
    for (const [index, value] of vector) {
      if (value > FAST_LIMIT_BIG || value < -FAST_LIMIT_BIG) return this.reduceExact(vector);
      if (value !== 0n) {
        indices.push(index);
        values.push(Number(value));
      }
    }
    return this.reduceFast(indices, values) ?? this.reduceExact(vector);
  }

  /** `reduce` of the 0/1 vector with ones at `indices` (distinct), without building it as a map. */
  reduceIndicator(indices: readonly number[]): Residual {
    return this.reduceFast(indices, undefined) ?? this.reduceExact(indicator(indices));
  }

  private reduceExact(vector: ReadonlyMap<number, bigint>): HeldResidual {
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
      eliminateAt(v, row.vector, p, push);
    }
    if (lead !== -1) {
      makePrimitive(v, lead);
    }
    return new HeldResidual(lead, this.version, lead === -1 ? undefined : pack(v, lead), v);
  }

  /**
   * The same elimination as `reduceExact` on doubles; undefined when exactness cannot be kept. The
   * columns to eliminate are found by scanning a bitset of the workspace's nonzero entries upward (an
   * elimination only adds entries right of its pivot), not through a heap: on a day of the table
   * family the heap was most of the time of a reduction.
   */
  private reduceFast(indices: readonly number[], entries: readonly number[] | undefined): HeldResidual | undefined {
    let size = this.width;
    for (const index of indices) size = Math.max(size, index + 1);
    if (this.workspace.length < size) {
      const length = Math.max(size, 2 * this.workspace.length);
      this.workspace = new Float64Array(length);
      this.nonzero = new Int32Array(Math.ceil(length / 32));
      this.seen = new Uint8Array(length);
    }
    const w = this.workspace;
    const nonzero = this.nonzero;
    const seen = this.seen;
    const touched: number[] = [];
    let lowest = size;
    for (let n = 0; n < indices.length; n++) {
      const index = indices[n] as number;
      w[index] = entries === undefined ? 1 : (entries[n] as number);
      nonzero[index >>> 5] = (nonzero[index >>> 5] as number) | (1 << (index & 31));
      seen[index] = 1;
      touched.push(index);
      lowest = Math.min(lowest, index);
    }
    const pivotRows = this.byPivot;
    let lead = -1;
    let exact = true;
    const words = Math.ceil(size / 32);
    scan: for (let word = lowest >>> 5; word < words; word++) {
      // Bits of this word are consumed lowest first; an elimination may set higher ones: read again.
      while (nonzero[word] !== 0) {
        const bits = nonzero[word] as number;
        const low = bits & -bits;
        nonzero[word] = bits ^ low;
        const p = (word << 5) | (31 - Math.clz32(low));
        const a = w[p] as number;
        if (a === 0) {
          continue;
        }
        const held = pivotRows[p];
        if (held === undefined) {
          if (lead === -1) {
            lead = p;
          }
          continue;
        }
        const row = held.packed;
        if (row === undefined) {
          exact = false;
          break scan;
        }
        const b = row.values[0] as number; // the pivot entry: the row's first column is its pivot
        let factor: number;
        if (a % b === 0) {
          factor = a / b;
        } else {
          const g = gcdNumber(a, b);
          const scale = b / g;
          factor = a / g;
          for (const index of touched) {
            w[index] = (w[index] as number) * scale;
            if (Math.abs(w[index] as number) > FAST_LIMIT) {
              exact = false;
            }
          }
        }
        if (Math.abs(factor) > FAST_LIMIT || !exact) {
          exact = false;
          break scan;
        }
        const { columns, values } = row;
        for (let n = 0; n < columns.length; n++) {
          const index = columns[n] as number;
          const before = w[index] as number;
          const after = before - factor * (values[n] as number);
          w[index] = after;
          if (before === 0 && after !== 0) {
            const at = index >>> 5;
            nonzero[at] = (nonzero[at] as number) | (1 << (index & 31));
            if (seen[index] === 0) {
              seen[index] = 1;
              touched.push(index);
            }
          }
          // A fill-in as much as a changed entry: a packed row holds its entries in 32 bits.
          if (Math.abs(after) > FAST_LIMIT) exact = false;
        }
        if (!exact) {
          break scan;
        }
      }
    }
    const kept: number[] = [];
    for (const index of touched) {
      if (w[index] !== 0) {
        kept.push(index);
      }
    }
    kept.sort((x, y) => x - y);
    const columns = Int32Array.from(kept);
    const values = new Int32Array(columns.length);
    let g = 0;
    for (let n = 0; n < columns.length; n++) {
      const value = w[columns[n] as number] as number;
      values[n] = value;
      g = gcdNumber(g, value);
    }
    for (const index of touched) {
      w[index] = 0;
      seen[index] = 0;
      nonzero[index >>> 5] = 0;
    }
    if (!exact) {
      return undefined;
    }
    if (lead === -1) {
      return new HeldResidual(-1, this.version, undefined, new Map());
    }
    if (columns[0] !== lead) {
      throw new PublisherError('E_INTERNAL', `EchelonBasis: the residual's smallest column is not its lead ${lead}`);
    }
    const divisor = (values[0] as number) < 0 ? -g : g; // primitive, positive at the lead
    if (divisor !== 1) {
      for (let n = 0; n < values.length; n++) values[n] = (values[n] as number) / divisor;
    }
    return new HeldResidual(lead, this.version, { columns, values });
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
    const held =
      residual instanceof HeldResidual
        ? residual
        : new HeldResidual(
            residual.lead,
            residual.basisVersion,
            pack(residual.vector, residual.lead),
            new Map(residual.vector),
          );
    held.compact();
    this.rows.set(residual.lead, held);
    this.byPivot[residual.lead] = held;
    if (held.packed !== undefined && held.packed.columns.length > 0) {
      this.width = Math.max(this.width, (held.packed.columns[held.packed.columns.length - 1] as number) + 1);
    } else {
      for (const index of held.vector.keys()) this.width = Math.max(this.width, index + 1);
    }
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

/** The row with its pivot first and columns ascending, or undefined when an entry is too large for the fast path. */
function pack(vector: ReadonlyMap<number, bigint>, pivot: number): PackedRow | undefined {
  const entries = [...vector].sort((a, b) => a[0] - b[0]);
  if (entries[0]?.[0] !== pivot) {
    throw new PublisherError('E_INTERNAL', `EchelonBasis: a row's smallest column is not its pivot ${pivot}`);
  }
  const columns = new Int32Array(entries.length);
  const values = new Int32Array(entries.length);
  for (const [n, [column, value]] of entries.entries()) {
    if (value > BigInt(FAST_LIMIT) || value < -BigInt(FAST_LIMIT)) {
      return undefined;
    }
    columns[n] = column;
    values[n] = Number(value);
  }
  return { columns, values };
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
export class MinHeap {
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
