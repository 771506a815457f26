import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDerivableCells } from '../../../src/protect/exact/disclosure-audit.js';
import { secondarySuppression } from '../../../src/protect/exact/gauss-suppression.js';
import { inverseMod, PRIME, primariesInReach } from '../../../src/protect/exact/reach.js';
import type { CellVector } from '../../../src/protect/exact/span.js';

const subsetOf = (width: number) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: width - 1 }), { minLength: 1, maxLength: width })
    .map((inner) => [...inner].sort((a, b) => a - b));

/** Candidates and primaries over `width` inner cells, as 0/1 cells of a table family would be. */
const system = fc.integer({ min: 2, max: 9 }).chain((width) =>
  fc.record({
    candidates: fc.array(subsetOf(width), { maxLength: 10 }),
    primaries: fc.array(subsetOf(width), { minLength: 1, maxLength: 10 }),
  }),
);

const named = (prefix: string, shapes: number[][]): CellVector[] =>
  shapes.map((inner, n) => ({ id: `${prefix}${n}`, inner }));

describe('primariesInReach', () => {
  it('leaves out only primaries outside the span of every candidate (checked against the rational audit)', () => {
    let leftOut = 0;
    let kept = 0;
    fc.assert(
      fc.property(system, ({ candidates, primaries }) => {
        const c = named('c', candidates);
        const p = named('p', primaries);
        const reach = new Set(primariesInReach(c, p).map((cell) => cell.id));
        const derivable = new Set(findDerivableCells(c, p).map((cell) => cell.id));
        for (const cell of p) {
          if (derivable.has(cell.id)) expect(reach.has(cell.id)).toBe(true);
          if (reach.has(cell.id)) kept++;
          else leftOut++;
        }
      }),
      { numRuns: 400 },
    );
    // The filter must do something, not keep everything: both outcomes occur.
    expect(leftOut).toBeGreaterThan(100);
    expect(kept).toBeGreaterThan(100);
  });

  it('proves the cells of a 2x3 table with its margins: the interior is out of reach of the margins alone', () => {
    // inner a b c / d e f; rows 0-2 (a,b,c), 3-5; margins: rows r1 r2, columns k1 k2 k3.
    const margins = named('m', [
      [0, 1, 2],
      [3, 4, 5],
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const interior = named('i', [[0], [4]]);
    const total = named('t', [[0, 1, 2, 3, 4, 5]]);
    expect(primariesInReach(margins, interior)).toEqual([]);
    expect(primariesInReach(margins, total)).toEqual(total); // r1 + r2: in reach
    // With b published too: e = k2 − b is in reach; a is not (c is still unknown).
    expect(primariesInReach([...margins, { id: 'b', inner: [1] }], interior)).toEqual([interior[1]]);
  });

  it('changes no decision of secondary suppression: adding primaries out of reach gives the same result', () => {
    fc.assert(
      fc.property(system, fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 10, maxLength: 10 }), (s, costs) => {
        const cells = [
          ...named('c', s.candidates).map((cell, n) => ({ ...cell, primary: false, cost: costs[n] ?? 0 })),
          ...named('p', s.primaries).map((cell) => ({ ...cell, primary: true, cost: 0 })),
        ];
        const candidates = cells.filter((cell) => !cell.primary);
        const primaries = cells.filter((cell) => cell.primary);
        const reachable = new Set(primariesInReach(candidates, primaries).map((cell) => cell.id));
        const withAll = secondarySuppression({ cells });
        const withReachable = secondarySuppression({
          cells: cells.filter((cell) => !cell.primary || reachable.has(cell.id)),
        });
        expect(withAll.secondary).toEqual(withReachable.secondary);
        expect(withAll.published).toEqual(withReachable.published);
      }),
      { numRuns: 300 },
    );
  });
});

describe('modular arithmetic', () => {
  it('inverts residues: a · a⁻¹ ≡ 1 (mod P), and refuses 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: PRIME - 1 }), (a) => {
        expect(Number((BigInt(a) * BigInt(inverseMod(a))) % BigInt(PRIME))).toBe(1);
      }),
    );
    expect(() => inverseMod(PRIME)).toThrow(/no inverse/);
  });
});
