// Compares a published file with the audit's own recomputation (threshold, values, rows that should be
// there), and the published rows of a population with its suppressed ones (differencing). Rows are keyed
// by their TSV text (time, then labels) so the comparison is exactly what a reader of the file sees.
import { findDerivableCells } from '../protect/exact/disclosure-audit.js';
import type { CellVector } from '../protect/exact/span.js';
import type { InputProblem } from './inputs.js';
import type { AuditRow } from './recompute.js';

/** One thing wrong with what is published: the rule it breaks, where, and why, for a maintainer. */
export interface AuditViolation {
  rule:
    | 'under_k'
    | 'unknown_row'
    | 'value_mismatch'
    | 'missing_row'
    | 'derivable'
    | 'integrity'
    | 'unlisted_revision'
    | 'no_manifest'
    | InputProblem['rule'];
  dataset: string;
  quarter: string;
  row?: string;
  detail: string;
}

export interface PublishedTable {
  dataset: string;
  quarter: string;
  count: 'events' | 'machines';
  k: number;
  /** Data lines of the TSV (no header): time, measure, labels..., tab-separated. */
  lines: string[];
  recomputed: AuditRow[];
  /**
   * Counting events in a family (a population several event datasets share): rows that pass k may be
   * withheld against differencing across the family, so a missing row is no violation there.
   */
  family?: boolean;
}

export const rowKey = (time: string, labels: readonly string[]) => [time, ...labels].join('\t');

export function lineKey(line: string): { key: string; value: string } {
  const [time, value, ...labels] = line.split('\t');
  return { key: rowKey(time!, labels), value: value! };
}

/** Points 1 (threshold) and 2 (capped values): every published line is a recomputed row with >= k machines and the same value. */
export function compareTable(table: PublishedTable): AuditViolation[] {
  const violations: AuditViolation[] = [];
  const recomputed = new Map(table.recomputed.map((row) => [rowKey(row.time, row.labels), row]));
  const seen = new Set<string>();
  for (const line of table.lines) {
    const { key, value } = lineKey(line);
    seen.add(key);
    const row = recomputed.get(key);
    const base = { dataset: table.dataset, quarter: table.quarter, row: line };
    if (!row)
      violations.push({
        ...base,
        rule: 'unknown_row',
        detail: 'no such row in the recomputation: its machines cannot be counted',
      });
    else if (row.machines.size < table.k)
      violations.push({ ...base, rule: 'under_k', detail: `rests on ${row.machines.size} machines, k=${table.k}` });
    else if (String(row.value) !== value)
      violations.push({ ...base, rule: 'value_mismatch', detail: `recomputed value ${row.value}` });
  }
  // Counting events alone, every row that passes k must be published: nothing else is suppressed.
  if (table.count === 'events' && !table.family) {
    for (const row of table.recomputed) {
      const key = rowKey(row.time, row.labels);
      if (row.published && !seen.has(key)) {
        violations.push({
          dataset: table.dataset,
          quarter: table.quarter,
          row: key,
          rule: 'missing_row',
          detail: `recomputed with ${row.machines.size} machines but not published`,
        });
      }
    }
  }
  return violations;
}

/**
 * Point 4: no suppressed row under k is a linear combination of published rows, over every table of a
 * population (exact rational arithmetic). Inner cells are groups of machines that fall in the same rows.
 */
export function derivableRows(tables: readonly PublishedTable[]): AuditViolation[] {
  const published: CellVector[] = [];
  const suppressed: CellVector[] = [];
  const rowsOfMachine = new Map<string, string[]>();
  const cells: Array<{ id: string; machines: Iterable<string>; published: boolean; underK: boolean }> = [];
  for (const table of tables) {
    const publishedKeys = new Set(table.lines.map((line) => lineKey(line).key));
    for (const row of table.recomputed) {
      const key = rowKey(row.time, row.labels);
      const id = `${table.dataset}\t${table.quarter}\t${key}`;
      cells.push({
        id,
        machines: row.machines.keys(),
        published: publishedKeys.has(key),
        underK: row.machines.size < table.k,
      });
      for (const machine of row.machines.keys())
        rowsOfMachine.set(machine, [...(rowsOfMachine.get(machine) ?? []), id]);
    }
  }
  const innerOf = new Map<string, number>();
  const signature = new Map<string, number>();
  for (const [machine, ids] of rowsOfMachine) {
    const sig = ids.sort().join('\n');
    if (!signature.has(sig)) signature.set(sig, signature.size);
    innerOf.set(machine, signature.get(sig)!);
  }
  for (const cell of cells) {
    const inner = [...new Set([...cell.machines].map((machine) => innerOf.get(machine)!))].sort((a, b) => a - b);
    if (cell.published) published.push({ id: cell.id, inner });
    else if (cell.underK) suppressed.push({ id: cell.id, inner });
  }
  return findDerivableCells(published, suppressed).map((derivable) => {
    const [dataset, quarter, ...row] = derivable.id.split('\t');
    return {
      dataset: dataset!,
      quarter: quarter!,
      row: row.join('\t'),
      rule: 'derivable' as const,
      detail: `equals ${derivable.witness.map((term) => `${term.coefficient} x [${term.id.split('\t').slice(2).join(' ')}]`).join(' + ')}`,
    };
  });
}
