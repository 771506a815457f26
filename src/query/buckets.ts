// Numeric buckets declared in a dataset's metadata (`"buckets": {"cores": [1, 2, 4, 8]}`) become SQL
// macros (`bucket_cores(x)`) its query can call, so bucket edges live in metadata, not in SQL or src/.
// Edges e0 < e1 < ... < en give the labels `<e0`, `e0` or `e0-(e1-1)`, ..., `en+`; NULL gives Unknown.

import { PublisherError } from '../core/errors.js';

export type BucketEdges = readonly number[];

export function validateEdges(name: string, edges: unknown): number[] {
  const valid =
    Array.isArray(edges) &&
    edges.length > 0 &&
    edges.every(
      (edge, index) => Number.isInteger(edge) && edge >= 0 && (index === 0 || edge > (edges[index - 1] as number)),
    );
  if (!/^[a-z][a-z0-9_]*$/.test(name) || !valid) {
    throw new PublisherError(
      'E_CONFIG',
      `bucket \`${name}\` must have a snake_case name and strictly increasing integer edges >= 0, got ${JSON.stringify(edges)}`,
    );
  }
  return edges as number[];
}

export function bucketLabels(edges: BucketEdges): string[] {
  const labels = edges[0]! > 0 ? [`<${edges[0]}`] : [];
  edges.forEach((edge, index) => {
    const next = edges[index + 1];
    labels.push(next === undefined ? `${edge}+` : next - edge === 1 ? `${edge}` : `${edge}-${next - 1}`);
  });
  return labels;
}

export function bucketMacroSql(name: string, edges: BucketEdges): string {
  const labels = bucketLabels(edges);
  const offset = edges[0]! > 0 ? 1 : 0;
  const branches = [
    ...(offset ? [`WHEN x < ${edges[0]} THEN '${labels[0]}'`] : []),
    ...edges.map((_edge, index) => {
      const next = edges[index + 1];
      return next === undefined
        ? `ELSE '${labels[index + offset]}'`
        : `WHEN x < ${next} THEN '${labels[index + offset]}'`;
    }),
  ];
  return `CREATE OR REPLACE TEMP MACRO bucket_${name}(x) AS CASE WHEN x IS NULL THEN 'Unknown' ${branches.join(' ')} END`;
}
