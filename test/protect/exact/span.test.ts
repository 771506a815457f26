import { describe, expect, it } from 'vitest';
import { inPublishedSpan } from '../../../src/protect/exact/rational-echelon.js';
import { EchelonBasis, indicator } from '../../../src/protect/exact/span.js';

/** A deterministic stream in [0, 1) (an LCG): the cases must not depend on the run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

const sortedIndices = (next: () => number, width: number, most: number): number[] =>
  [...new Set(Array.from({ length: 1 + Math.floor(next() * most) }, () => Math.floor(next() * width)))].sort(
    (a, b) => a - b,
  );

describe('EchelonBasis', () => {
  it('agrees with the audit’s rational echelon on span membership of random 0/1 vectors', () => {
    // Dense enough that reduced rows get pivot entries other than 1 (the fast path's scaling branch)
    // and fill-in crosses 32-column words of its bitset.
    const next = random(7);
    let scaled = 0;
    for (let trial = 0; trial < 300; trial++) {
      const width = 5 + Math.floor(next() * 90);
      const published = Array.from({ length: 10 + Math.floor(next() * 40) }, (_, n) => ({
        id: `p${n}`,
        inner: sortedIndices(next, width, 9),
      }));
      const probes = Array.from({ length: 20 }, (_, n) => ({ id: `q${n}`, inner: sortedIndices(next, width, 9) }));
      // Half the probes are sums of published vectors, so both answers occur.
      for (const [n, probe] of probes.entries()) {
        if (n % 2 === 1) continue;
        const a = published[Math.floor(next() * published.length)]!.inner;
        const b = published[Math.floor(next() * published.length)]!.inner;
        if (a.some((index) => b.includes(index))) continue;
        probe.inner = [...a, ...b].sort((x, y) => x - y);
      }
      const basis = new EchelonBasis();
      for (const cell of published) basis.insert(indicator(cell.inner));
      for (const pivot of basis.pivots()) if (basis.row(pivot)?.get(pivot) !== 1n) scaled++;
      const expected = inPublishedSpan(published, probes);
      expect(probes.map((probe) => basis.contains(indicator(probe.inner)))).toEqual(expected);
    }
    expect(scaled).toBeGreaterThan(0);
  });

  it('reduces a residual to zero on every pivot column, with its lead the smallest entry', () => {
    const next = random(11);
    const basis = new EchelonBasis();
    for (let n = 0; n < 200; n++) basis.insert(indicator(sortedIndices(next, 150, 12)));
    for (let n = 0; n < 100; n++) {
      const residual = basis.reduce(indicator(sortedIndices(next, 150, 12)));
      const columns = [...residual.vector.keys()];
      for (const pivot of basis.pivots()) expect(residual.vector.has(pivot)).toBe(false);
      expect(residual.lead).toBe(columns.length === 0 ? -1 : Math.min(...columns));
    }
  });
});
