// Bucket macros from dataset metadata, run in DuckDB: the label of every value, edges from 0 or above,
// NULL as Unknown, and the names and edges metadata may not use.
import { bucketLabels, bucketMacroSql, validateEdges } from '../../src/query/buckets.js';
import { describe, expect, it } from '../helpers/fixtures.js';

describe('bucket macros', () => {
  it('label each value by the edge at or below it: <e0, single values, ranges, en+; NULL is Unknown', async ({
    duck,
  }) => {
    await duck.run(bucketMacroSql('cores', [1, 2, 4, 8]));
    const rows = await duck.all<{ v: number | null; label: string }>(
      'SELECT v, bucket_cores(v) AS label FROM (SELECT unnest([0, 1, 2, 3, 4, 7, 8, 9, 1000, NULL]) AS v) ORDER BY v NULLS LAST',
    );
    expect(rows.map((row) => [row.v, row.label])).toEqual([
      [0, '<1'],
      [1, '1'],
      [2, '2-3'],
      [3, '2-3'],
      [4, '4-7'],
      [7, '4-7'],
      [8, '8+'],
      [9, '8+'],
      [1000, '8+'],
      [null, 'Unknown'],
    ]);
    expect(bucketLabels([1, 2, 4, 8])).toEqual(['<1', '1', '2-3', '4-7', '8+']);
  });

  it('have no "<" label when the first edge is 0, and give every label some value', async ({ duck }) => {
    const edges = [0, 10, 100];
    await duck.run(bucketMacroSql('projects', edges));
    const [row] = await duck.all<{ labels: string[] }>(
      'SELECT list(DISTINCT bucket_projects(v) ORDER BY bucket_projects(v)) AS labels FROM range(0, 500) t(v)',
    );
    expect(row!.labels).toEqual([...bucketLabels(edges)].sort());
    expect(bucketLabels(edges)).toEqual(['0-9', '10-99', '100+']);
  });

  it('refuse a name that is not snake_case and edges that are not strictly increasing integers >= 0', () => {
    expect(validateEdges('memory_gib', [1, 2, 4])).toEqual([1, 2, 4]);
    for (const [name, edges] of [
      ['Cores', [1, 2]],
      ['cores', []],
      ['cores', [2, 2]],
      ['cores', [4, 2]],
      ['cores', [-1, 2]],
      ['cores', [1.5]],
      ['cores', '1,2'],
    ] as const) {
      expect(() => validateEdges(name, edges), `${name} ${JSON.stringify(edges)}`).toThrow(
        /must have a snake_case name and strictly increasing integer edges >= 0/,
      );
    }
  });
});
