// The remainder rule of the test helper (remainder-rule.ts), against hand examples and a direct implementation;
// moved from disclosure-audit.test.ts with the function, which src/ never used.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CellVector } from '../../src/protect/exact/span.js';
import { type RemainderCell, remainderViolations } from './remainder-rule.js';

const cell = (id: string, inner: number[]): CellVector => ({ id, inner });

describe('remainderViolations', () => {
  // One relation t = a + b + c + d over inner cells 0..3, and machines per inner cell.
  const relation = (published: string[]): RemainderCell[] =>
    [cell('t', [0, 1, 2, 3]), cell('a', [0]), cell('b', [1]), cell('c', [2]), cell('d', [3])].map((c) => ({
      ...c,
      published: published.includes(c.id),
    }));
  const contributors = [['m1'], ['m1'], ['m2', 'm3', 'm7'], ['m4', 'm5', 'm6']];

  it('flags a published total whose suppressed children rest on 1..k−1 machines together', () => {
    // a and b suppressed: the remainder t − c − d covers inner 0 and 1, both from m1 only.
    expect(remainderViolations({ cells: relation(['t', 'c', 'd']), contributors, k: 3 })).toEqual([
      { id: 't', remainder: [0, 1], contributors: 1 },
    ]);
    // a, b and c suppressed: m1, m2, m3, m7 together: 4 ≥ k.
    expect(remainderViolations({ cells: relation(['t', 'd']), contributors, k: 3 })).toEqual([]);
    // Everything published: the total's remainder is empty, but a published cell is its own remainder: a and b fail.
    expect(
      remainderViolations({ cells: relation(['t', 'a', 'b', 'c', 'd']), contributors, k: 3 }).map((v) => v.id),
    ).toEqual(['a', 'b']);
  });

  it('a remainder with no machine (zero) is fine, and suppressed totals have no remainder', () => {
    const zeroRemainder = [[], [], ['x', 'y', 'z'], ['u', 'v', 'w']];
    expect(remainderViolations({ cells: relation(['t', 'c', 'd']), contributors: zeroRemainder, k: 3 })).toEqual([]);
    expect(remainderViolations({ cells: relation(['d']), contributors, k: 3 })).toEqual([]);
  });

  it('agrees with a direct implementation on random cells', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ mask: fc.integer({ min: 0, max: 31 }), published: fc.boolean() }), { maxLength: 8 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }), { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 1, max: 4 }),
        (specs, machines, k) => {
          const cells = specs.map(({ mask, published }, i) => ({ ...fromMaskOf5(mask, i), published }));
          const expected = cells.flatMap((m) => {
            if (!m.published) return [];
            const covered = new Set(
              cells
                .filter((s) => s !== m && s.published && s.inner.every((i) => m.inner.includes(i)))
                .flatMap((s) => s.inner),
            );
            const remainder = m.inner.filter((i) => !covered.has(i));
            const who = new Set(remainder.flatMap((i) => machines[i] ?? []));
            return who.size > 0 && who.size < k ? [{ id: m.id, remainder, contributors: who.size }] : [];
          });
          expect(remainderViolations({ cells, contributors: machines, k })).toEqual(
            expected.sort((a, b) => (a.id < b.id ? -1 : 1)),
          );
        },
      ),
    );
  });

  it('rejects a k below 1', () => {
    expect(() => remainderViolations({ cells: [], contributors: [], k: 0 })).toThrow(
      /k must be an integer from 1 up, got 0/,
    );
  });
});

function fromMaskOf5(mask: number, i: number): CellVector {
  return cell(
    `m${i}`,
    [...Array(5).keys()].filter((bit) => (mask >> bit) & 1),
  );
}
