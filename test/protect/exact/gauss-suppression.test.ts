import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPublisherError } from '../../../src/core/errors.js';
import { findDerivableCells } from '../../../src/protect/exact/disclosure-audit.js';
import {
  publicationOrder,
  type SuppressionCell,
  type SuppressionResult,
  secondarySuppression,
} from '../../../src/protect/exact/gauss-suppression.js';
import { type MaybeForcedCell, suppressWithForced, withForcedFirst } from '../../helpers/forced-publication.js';
import { remainderViolations } from '../../helpers/remainder-rule.js';

// The audit (findDerivableCells) is the oracle here: a separate implementation, itself cross-checked against dense
// Bareiss elimination in disclosure-audit.test.ts.

function cell(id: string, inner: number[], cost: number, primary = false, forcePublish?: boolean): MaybeForcedCell {
  return forcePublish === undefined ? { id, inner, cost, primary } : { id, inner, cost, primary, forcePublish };
}

function pick(cells: readonly SuppressionCell[], ids: readonly string[]): SuppressionCell[] {
  const byId = new Map(cells.map((c) => [c.id, c]));
  return ids.map((id) => byId.get(id) as SuppressionCell);
}

function expectProtected(cells: readonly SuppressionCell[], result: SuppressionResult): void {
  expect(findDerivableCells(pick(cells, result.published), pick(cells, result.primary))).toEqual([]);
}

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isPublisherError(error) ? error.code : 'not a PublisherError';
  }
  return undefined;
}

describe('secondarySuppression: hand examples', () => {
  it('2x2 table with row, column and grand totals, one primary cell: the whole rectangle goes (3 secondaries)', () => {
    // inner:  0=a11 1=a12 / 2=a21 3=a22. Value in cost; totals are costlier, so they are decided first and published.
    const cells = [
      cell('a11', [0], 1, true),
      cell('a12', [1], 5),
      cell('a21', [2], 6),
      cell('a22', [3], 7),
      cell('r1', [0, 1], 6),
      cell('r2', [2, 3], 13),
      cell('c1', [0, 2], 7),
      cell('c2', [1, 3], 12),
      cell('t', [0, 1, 2, 3], 19),
    ];
    const result = secondarySuppression({ cells });
    // a11 = r1 − a12 = c1 − a21 = a22 − r2 − c2 + t: each of the three others must go once the margins are out.
    expect(result).toEqual({
      published: ['c1', 'c2', 'r1', 'r2', 't'],
      primary: ['a11'],
      secondary: ['a12', 'a21', 'a22'],
    });
    expectProtected(cells, result);
  });

  it('a partition (disjoint cells, no totals) needs no secondary suppression', () => {
    const cells = [cell('a', [0, 1], 3, true), cell('b', [2], 1, true), cell('c', [3, 4, 5], 9), cell('d', [6], 0)];
    expect(secondarySuppression({ cells })).toEqual({ published: ['c', 'd'], primary: ['a', 'b'], secondary: [] });
  });

  it('a total with exactly one suppressed child: the cheapest other child becomes secondary', () => {
    // t = a + b + c; with t, b, c published, a = t − b − c. c is cheaper than b, so c is decided last and goes.
    const cells = [cell('t', [0, 1, 2], 30), cell('a', [0], 2, true), cell('b', [1], 20), cell('c', [2], 8)];
    const result = secondarySuppression({ cells });
    expect(result).toEqual({ published: ['b', 't'], primary: ['a'], secondary: ['c'] });
    expectProtected(cells, result);
  });

  it('two single-contributor cells in one relation: linearly safe, flagged by the remainder rule, fixed by a virtual primary', () => {
    // t = a + b + c; a and b each rest on one (different) machine, c on five.
    const cells = [cell('t', [0, 1, 2], 7), cell('a', [0], 1, true), cell('b', [1], 1, true), cell('c', [2], 5)];
    const contributors = [['m1'], ['m2'], ['m3', 'm4', 'm5', 'm6', 'm7']];
    const plain = secondarySuppression({ cells });
    // Only a + b = t − c is derivable: neither a nor b alone, so Gauss suppresses nothing more...
    expect(plain.secondary).toEqual([]);
    expectProtected(cells, plain);
    // ...but m1 knows a, so learns b = t − c − a (the singleton problem). The remainder of t rests on 2 < k = 3 machines.
    const published = (result: SuppressionResult) =>
      cells.map((c) => ({ id: c.id, inner: c.inner, published: result.published.includes(c.id) }));
    expect(remainderViolations({ cells: published(plain), contributors, k: 3 })).toEqual([
      { id: 't', remainder: [0, 1], contributors: 2 },
    ]);
    // GaussSuppression's "subSum": a virtual primary for the singletons' sum keeps a + b underivable too.
    const withVirtual = [...cells, cell('virtual:a+b', [0, 1], 0, true)];
    const fixed = secondarySuppression({ cells: withVirtual });
    expect(fixed.secondary).toEqual(['c']);
    expectProtected(withVirtual, fixed);
    expect(remainderViolations({ cells: published(fixed), contributors, k: 3 })).toEqual([]);
  });

  it('linked tables: a cell protected in one table is protected against the other too', () => {
    // Inner cells: os × country, 0=(linux,fr) 1=(linux,de) 2=(mac,fr) 3=(mac,de). Table 1 is the cross table, table 2
    // is by country only. (linux,fr) is primary; alone, each table is safe, but country:fr − (mac,fr) = (linux,fr).
    const cells = [
      cell('linux,fr', [0], 1, true),
      cell('linux,de', [1], 49),
      cell('mac,fr', [2], 44),
      cell('mac,de', [3], 3),
      cell('country:fr', [0, 2], 45),
      cell('country:de', [1, 3], 52),
    ];
    const result = secondarySuppression({ cells });
    expect(result.secondary).toEqual(['mac,fr']);
    expectProtected(cells, result);
    // Without table 2 nothing more is needed.
    expect(secondarySuppression({ cells: cells.slice(0, 4) }).secondary).toEqual([]);
  });

  it('forced cells are decided first and published, even when cheaper', () => {
    const cells = [
      cell('t', [0, 1, 2], 30),
      cell('a', [0], 2, true),
      cell('b', [1], 20),
      cell('c', [2], 8, false, true),
    ];
    expect(publicationOrder(withForcedFirst(cells)).map((c) => c.id)).toEqual(['c', 't', 'b']);
    expect(suppressWithForced(cells)).toEqual({ published: ['c', 't'], primary: ['a'], secondary: ['b'] });
  });

  it('ties in cost: the cell with more inner cells first, then id', () => {
    const cells = [cell('b', [1], 5), cell('a', [2], 5), cell('t', [0, 1, 2], 5), cell('p', [0], 5, true)];
    expect(publicationOrder(cells).map((c) => c.id)).toEqual(['t', 'a', 'b']);
    expect(secondarySuppression({ cells }).secondary).toEqual(['b']);
  });

  it('a cell already implied by published cells is published, whatever its cost', () => {
    const cells = [cell('x', [0], 9), cell('y', [1], 9), cell('x+y', [0, 1], 0), cell('p', [2], 1, true)];
    expect(secondarySuppression({ cells }).published).toEqual(['x', 'x+y', 'y']);
  });

  it('rejects inputs it cannot honour, naming the cell', () => {
    const t = cell('t', [0, 1], 9);
    const a = cell('a', [0], 1, true);
    const forcedB = cell('b', [1], 1, false, true);
    // Only b forced: t is the one to go.
    expect(suppressWithForced([t, a, forcedB]).secondary).toEqual(['t']);
    // Both forced: t − b = a cannot be avoided.
    const forcedT = { ...t, forcePublish: true };
    expect(errorCode(() => suppressWithForced([forcedT, a, forcedB]))).toBe('E_PRIVACY_CHECK');
    expect(() => suppressWithForced([forcedT, a, forcedB])).toThrow(/"b" is forcePublish.*"a"/);
    expect(errorCode(() => suppressWithForced([cell('a', [0], 1, true, true)]))).toBe('E_PRIVACY_CHECK');
    expect(() => secondarySuppression({ cells: [cell('e', [], 0, true)] })).toThrow(/"e" has no inner cells/);
    expect(() => secondarySuppression({ cells: [cell('u', [2, 1], 0)] })).toThrow(/got 1 after 2/);
    expect(() => secondarySuppression({ cells: [cell('u', [1, 1], 0)] })).toThrow(/without repeats/);
    expect(() => secondarySuppression({ cells: [cell('n', [-1], 0)] })).toThrow(/non-negative integers, got -1/);
    expect(() => secondarySuppression({ cells: [t, cell('t', [0], 1)] })).toThrow(/"t" appears more than once/);
    expect(() => secondarySuppression({ cells: [cell('nan', [0], Number.NaN)] })).toThrow(
      /cost must be a finite number/,
    );
  });

  it('empty input, and no primaries: everything is published', () => {
    expect(secondarySuppression({ cells: [] })).toEqual({ published: [], primary: [], secondary: [] });
    const cells = [cell('t', [0, 1], 2), cell('a', [0], 1), cell('b', [1], 1)];
    expect(secondarySuppression({ cells }).published).toEqual(['a', 'b', 't']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Random tables

/** Arbitrary subsets of a few inner cells: overlaps, duplicates, nested and empty cells all occur. */
const arbitraryCells = fc
  .integer({ min: 1, max: 7 })
  .chain((innerCount) =>
    fc.array(
      fc.record({
        mask: fc.integer({ min: 0, max: (1 << innerCount) - 1 }),
        primary: fc.boolean(),
        cost: fc.integer({ min: 0, max: 3 }),
      }),
      { minLength: 1, maxLength: 10 },
    ),
  )
  .map((specs) =>
    specs.map(({ mask, primary, cost }, i) => {
      const inner = [...Array(7).keys()].filter((bit) => (mask >> bit) & 1);
      return cell(`c${i}`, inner, cost, primary && inner.length > 0);
    }),
  );

/** An r × c table (inner cells = its body) with row, column and grand totals, random values and primaries. */
const tables = fc
  .record({ rows: fc.integer({ min: 1, max: 4 }), cols: fc.integer({ min: 1, max: 4 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      values: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: rows * cols, maxLength: rows * cols }),
      primary: fc.array(fc.boolean(), { minLength: rows * cols, maxLength: rows * cols }),
      linked: fc.boolean(),
    }),
  )
  .map(({ rows, cols, values, primary, linked }) => {
    const at = (r: number, c: number) => r * cols + c;
    const value = (inner: number[]) => inner.reduce((sum, i) => sum + (values[i] as number), 0);
    const cells: SuppressionCell[] = [];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        cells.push(cell(`x${r}.${c}`, [at(r, c)], values[at(r, c)] as number, primary[at(r, c)] === true));
      }
    }
    const range = (n: number) => [...Array(n).keys()];
    for (const r of range(rows)) {
      const inner = range(cols).map((c) => at(r, c));
      cells.push(cell(`row${r}`, inner, value(inner)));
    }
    for (const c of range(cols)) {
      const inner = range(rows).map((r) => at(r, c));
      cells.push(cell(`col${c}`, inner, value(inner)));
    }
    const all = range(rows * cols);
    cells.push(cell('total', all, value(all)));
    if (linked) {
      // A second table over the same body: the first two columns merged (a coarser code list), per row.
      for (const r of range(rows)) {
        const inner = range(Math.min(2, cols)).map((c) => at(r, c));
        cells.push(cell(`merged${r}`, inner, value(inner)));
      }
    }
    return cells;
  });

const inputs = fc.oneof(arbitraryCells, tables);

describe('secondarySuppression: properties', () => {
  it('partitions the cells, and no primary is derivable from the published cells', () => {
    fc.assert(
      fc.property(inputs, (cells) => {
        const result = secondarySuppression({ cells });
        const all = [...result.published, ...result.primary, ...result.secondary].sort();
        expect(all).toEqual(cells.map((c) => c.id).sort());
        expect(result.primary).toEqual(
          cells
            .filter((c) => c.primary)
            .map((c) => c.id)
            .sort(),
        );
        expectProtected(cells, result);
      }),
      { numRuns: 400 },
    );
  });

  it('no secondary is derivable, and each one alone would expose a primary if published', () => {
    fc.assert(
      fc.property(inputs, (cells) => {
        const result = secondarySuppression({ cells });
        const published = pick(cells, result.published);
        const primaries = pick(cells, result.primary);
        expect(findDerivableCells(published, pick(cells, result.secondary))).toEqual([]);
        for (const extra of pick(cells, result.secondary)) {
          expect(findDerivableCells([...published, extra], primaries).length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('equals the plain greedy: in publicationOrder, publish unless that makes a primary derivable', () => {
    fc.assert(
      fc.property(inputs, (cells) => {
        const primaries = cells.filter((c) => c.primary);
        const published: SuppressionCell[] = [];
        const secondary: string[] = [];
        for (const candidate of publicationOrder(cells)) {
          if (findDerivableCells([...published, candidate], primaries).length > 0) {
            secondary.push(candidate.id);
          } else {
            published.push(candidate);
          }
        }
        const result = secondarySuppression({ cells });
        expect(result.secondary).toEqual(secondary.sort());
        expect(result.published).toEqual(published.map((c) => c.id).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: shuffling the input changes nothing', () => {
    fc.assert(
      fc.property(
        inputs.chain((cells) => fc.tuple(fc.constant(cells), fc.shuffledSubarray(cells, { minLength: cells.length }))),
        ([cells, shuffled]) => {
          expect(secondarySuppression({ cells: shuffled })).toEqual(secondarySuppression({ cells }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('forced cells: published if possible; otherwise E_PRIVACY_CHECK exactly when they expose a primary together', () => {
    fc.assert(
      fc.property(
        inputs.chain((cells) =>
          fc.tuple(fc.constant(cells), fc.array(fc.boolean(), { minLength: cells.length, maxLength: cells.length })),
        ),
        ([cells, force]) => {
          const withForced: MaybeForcedCell[] = cells.map((c, i) =>
            force[i] === true && !c.primary ? { ...c, forcePublish: true } : c,
          );
          const forced = withForced.filter((c) => c.forcePublish === true);
          const exposes =
            findDerivableCells(
              forced,
              cells.filter((c) => c.primary),
            ).length > 0;
          if (exposes) {
            expect(errorCode(() => suppressWithForced(withForced))).toBe('E_PRIVACY_CHECK');
          } else {
            const result = suppressWithForced(withForced);
            expect(result.published).toEqual(expect.arrayContaining(forced.map((c) => c.id)));
            expectProtected(withForced, result);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('secondarySuppression: scale', () => {
  // The common case, at the size the job meets: ~20,000 cells over ~50,000 inner cells, a partition plus marginals.
  function partitionWithMarginals(innerCount: number, cellCount: number, equalCosts: boolean): SuppressionCell[] {
    let seed = 7;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const cells: SuppressionCell[] = [];
    const size = innerCount / cellCount;
    for (let i = 0; i < cellCount; i++) {
      const inner = [];
      for (let j = Math.round(i * size); j < Math.round((i + 1) * size); j++) inner.push(j);
      // Cost-ordered ids follow inner order when costs are equal: the order that made a naive pivot choice quadratic.
      cells.push(
        cell(`c${String(i).padStart(6, '0')}`, inner, equalCosts ? 1 : Math.floor(random() * 1000), random() < 0.05),
      );
    }
    for (let g = 0; g < 100; g++) {
      const inner = cells.slice(g * 200, (g + 1) * 200).flatMap((c) => c.inner);
      cells.push(cell(`group${g}`, inner, equalCosts ? 1 : 1e6));
    }
    cells.push(cell('total', [...Array(innerCount).keys()], equalCosts ? 1 : 1e9));
    return cells;
  }

  for (const equalCosts of [false, true]) {
    const costs = equalCosts ? 'equal costs' : 'random costs';
    // Speed is measured in `npm run bench`; here the large case must simply come out protected.
    it(`20,000 cells x 50,000 inner cells, ${costs}: audit clean`, () => {
      const cells = partitionWithMarginals(50_000, 20_000, equalCosts);
      expectProtected(cells, secondarySuppression({ cells }));
    });
  }
});
