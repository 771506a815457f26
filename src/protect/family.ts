// Protection across a family of event tables: several tables that count the same events of one day
// (the full cube, Command x OSFamily, SDKVersion x OSFamily ...). Within one table the rows are
// disjoint, but across tables a published marginal minus the published cube rows of its value is the
// count of its events in the cube's remainder or suppressed rows: possibly fewer than k machines.
//
// The unit of the linear relations is the event. Every (machine, fact) pair of the day lands in one row
// of each table; pairs with the same signature (the same row in every table) form an inner cell, and a
// row's value is the sum of its inner cells' values (conservative: contribution caps are ignored, so
// an attacker's differences are taken as exact). A figure rests on the distinct machines of its events.
//
// Protected figures (primaries): every suppressed row, and every intersection of a row of one table
// with a row of another (in particular each inner cell) that rests on fewer than k machines, such as
// "the events of SDK X inside one remainder row of the cube". Gaussian elimination with exact
// arithmetic (exact/gauss-suppression.ts) suppresses the cheapest further rows until no primary is a
// linear combination of published rows; exact/disclosure-audit.ts re-checks it independently. Days are
// disjoint (no figure spans two days), so each day is its own problem.
//
// What makes it affordable: of a day's twenty thousand figures under k, only a few dozen are in the span
// of all the candidate rows at all (exact/reach.ts proves the others out with a modular certificate,
// and the greedy watches only those), and the re-check rules out most figures the same way, with its own
// rational arithmetic (exact/rational-echelon.ts). A day of a 2M-event quarter: 21 s -> about 1 s.
import { PublisherError } from '../core/errors.js';
import { findDerivableCells } from './exact/disclosure-audit.js';
import { type CellVector, type SuppressionCell, secondarySuppression } from './exact/gauss-suppression.js';

/** One row of one table of the family, on one day. */
export interface FamilyRow {
  /** Unique across the family, e.g. `cli-usage:["2026-07-01","build",...]`. */
  id: string;
  /** The published value (Occurrences): what suppressing it loses. */
  value: number;
  /** Passed the table's own rule (at least k machines). */
  published: boolean;
}

/** One (machine, fact) pair of the day: the row its events are counted in, in every table of the family. */
export interface FamilyPair {
  machine: string;
  /** One row id per table, in the family's table order. */
  rows: readonly string[];
}

export interface FamilyDay {
  rows: readonly FamilyRow[];
  pairs: readonly FamilyPair[];
}

export interface FamilyDayResult {
  /** Row ids to suppress against differencing, sorted. */
  secondary: string[];
  rows: number;
  innerCells: number;
  /** Suppressed rows plus protected intersections (each under k machines). */
  primaries: number;
}

/** An intersection of rows (one inner cell, or a row of one table with a row of another) as a figure. */
interface Intersection {
  id: string;
  inner: number[];
  machines: number;
}

/** A row of the family with the inner cells it sums. */
export interface FamilyVector extends FamilyRow {
  inner: readonly number[];
}

/**
 * Protects one day of the family given as (machine, fact) pairs: the reference form, computed in
 * JavaScript (family-tables.ts computes the same vectors and figures in DuckDB). Throws
 * E_PRIVACY_CHECK when the independent re-check finds a protected figure derivable.
 */
export function protectFamilyDay(day: FamilyDay, k: number): FamilyDayResult {
  const { vectors, intersections, innerCells } = innerCellsOf(day);
  return protectFamilyFigures(
    day.rows.map((row) => ({ ...row, inner: vectors.get(row.id) ?? [] })),
    intersections.filter((figure) => figure.machines < k),
    innerCells,
  );
}

/**
 * Protects one day of the family: its rows as vectors over the day's inner cells, and the figures
 * under k (inner cells and intersections of rows) that no combination of published rows may give.
 * A figure whose inner cells are those of a row, or of another figure, is one figure: listed once.
 */
export function protectFamilyFigures(
  rows: readonly FamilyVector[],
  figures: ReadonlyArray<{ id: string; inner: readonly number[] }>,
  innerCells: number,
  /** A figure's name for a message, from its id (a day's figures can be named only when one is needed). */
  nameOf: (id: string) => string = (id) => id,
): FamilyDayResult {
  const seen = new Set(rows.map((row) => row.inner.join(',')));
  const protectedFigures = figures.filter((figure) => {
    const shape = figure.inner.join(',');
    if (seen.has(shape)) return false;
    seen.add(shape);
    return true;
  });
  const cells: SuppressionCell[] = [
    ...rows.map((row) => ({ id: row.id, inner: row.inner, primary: !row.published, cost: row.value })),
    ...protectedFigures.map((figure) => ({ id: figure.id, inner: figure.inner, primary: true, cost: 0 })),
  ];
  const result = secondarySuppression({ cells });
  const published = new Set(result.published);
  const derivable = findDerivableCells(
    cells.filter((cell) => published.has(cell.id)),
    cells.filter((cell) => !published.has(cell.id) && cell.primary),
  );
  if (derivable.length > 0) {
    // The id of an intersection names rows, never a figure: safe in a message.
    throw new PublisherError(
      'E_PRIVACY_CHECK',
      `${nameOf(derivable[0]!.id)} could be derived from published rows of its family after secondary suppression; nothing was published`,
    );
  }
  return { secondary: result.secondary, rows: rows.length, innerCells, primaries: result.primary.length };
}

/**
 * Every row as its sorted inner cells, and every intersection (each inner cell, and each pairwise
 * intersection of rows of two tables) with its distinct machines.
 */
export function innerCellsOf(day: FamilyDay): {
  vectors: Map<string, number[]>;
  intersections: Intersection[];
  innerCells: number;
} {
  const known = new Set(day.rows.map((row) => row.id));
  const signatures = new Map<string, { index: number; rows: readonly string[] }>();
  const machinesOf = new Map<string, Set<string>>(); // intersection id -> machines
  const innerOf = new Map<string, Set<number>>(); // intersection id -> inner cells
  const vectors = new Map<string, Set<number>>();
  const note = (figure: string, index: number, machine: string) => {
    let machines = machinesOf.get(figure);
    if (machines === undefined) {
      machines = new Set();
      machinesOf.set(figure, machines);
      innerOf.set(figure, new Set());
    }
    machines.add(machine);
    innerOf.get(figure)!.add(index);
  };
  for (const pair of day.pairs) {
    for (const row of pair.rows) {
      if (!known.has(row)) throw new PublisherError('E_INTERNAL', `family: a pair is counted in unknown row ${row}`);
    }
    const key = JSON.stringify(pair.rows);
    let signature = signatures.get(key);
    if (signature === undefined) {
      signature = { index: signatures.size, rows: pair.rows };
      signatures.set(key, signature);
    }
    const index = signature.index;
    for (const row of pair.rows) {
      let vector = vectors.get(row);
      if (vector === undefined) {
        vector = new Set();
        vectors.set(row, vector);
      }
      vector.add(index);
    }
    note(`inner ${key}`, index, pair.machine);
    for (let a = 0; a < pair.rows.length; a++) {
      for (let b = a + 1; b < pair.rows.length; b++) {
        note(`intersection ${JSON.stringify([pair.rows[a], pair.rows[b]])}`, index, pair.machine);
      }
    }
  }
  const sorted = (set: Set<number>) => [...set].sort((x, y) => x - y);
  const intersections: Intersection[] = [];
  const rowVectors = new Map([...vectors].map(([row, set]) => [row, sorted(set)]));
  for (const [figure, machines] of machinesOf) {
    intersections.push({ id: figure, inner: sorted(innerOf.get(figure)!), machines: machines.size });
  }
  return { vectors: rowVectors, intersections, innerCells: signatures.size };
}

/** The rows and protected figures of a day as the audit sees them: for an independent re-check. */
export function familyFigures(day: FamilyDay, k: number): { published: CellVector[]; protectedFigures: CellVector[] } {
  const { vectors, intersections } = innerCellsOf(day);
  const vectorOf = (row: FamilyRow): CellVector => ({ id: row.id, inner: vectors.get(row.id) ?? [] });
  return {
    published: day.rows.filter((row) => row.published).map(vectorOf),
    protectedFigures: [
      ...day.rows.filter((row) => !row.published).map(vectorOf),
      ...intersections.filter((figure) => figure.machines < k).map(({ id, inner }) => ({ id, inner })),
    ],
  };
}
