// The audit's facts: each dataset's query.sql run over the audit's own `events` (read-archive.ts), kept
// raw, one per (time, raw values, machine), for recompute.ts to label, roll up and suppress itself.
import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { cleanTextSql, dimensionValueSql } from '../ingest/values.js';
import { bucketMacroSql } from '../query/buckets.js';
import type { DatasetDefinition } from '../query/dataset.js';
import type { AuditFact } from './recompute.js';

/**
 * The dataset's facts straight from its query (the dataset's own definition of what it counts),
 * one per (time, raw values, machine), with the raw outputs of every ladder level. Nothing of the
 * publisher's aggregation or labelling is reused.
 */
export async function loadAuditFacts(duck: Duck, dataset: DatasetDefinition): Promise<AuditFact[]> {
  for (const [name, edges] of Object.entries(dataset.buckets)) await duck.run(bucketMacroSql(name, edges));
  const clean = (expression: string) => `coalesce(${cleanTextSql(`(${expression})`)}, '')`;
  const value = (column: string) => dimensionValueSql(id(column));
  const dims = dataset.dimensions;
  // Dimension values are normalised first, as published; ladders and scopes then see the normalised values.
  const cleaned = `SELECT * REPLACE (${dims.map((dimension) => `${value(dimension.column)} AS ${id(dimension.column)}`).join(', ')})
    FROM (${dataset.sql}
    )`;
  const select = [
    `${id(dataset.timeColumn)}::VARCHAR AS t`,
    `machine_id`,
    ...dims.map((dimension, d) => `${id(dimension.column)} AS v${d}`),
    ...dims.map((dimension, d) => `[${dimension.ladder.map(clean).join(', ')}]::VARCHAR[] AS l${d}`),
    ...dims.map(
      (dimension, d) => `concat_ws(chr(30), '', ${(dimension.scope ?? []).map(id).join(', ') || "''"}) AS s${d}`,
    ),
  ];
  const rows = await duck.all<Record<string, unknown>>(`
    SELECT ${dims.map((_, d) => `v${d}, l${d}, s${d}`).join(', ')}, t, machine_id, count(*)::BIGINT AS n
    FROM (SELECT ${select.join(', ')} FROM (${cleaned}))
    GROUP BY ALL`);
  return rows.map((row) => ({
    time: String(row.t),
    machine: String(row.machine_id),
    events: Number(row.n),
    values: dims.map((_, d) => String(row[`v${d}`])),
    ladders: dims.map((_, d) => (row[`l${d}`] as string[]).map(String)),
    scopes: dims.map((_, d) => String(row[`s${d}`])),
  }));
}
