// The audit's check of a family: event tables that count the same events and share a population
// (examples/cli-usage-family). Rebuilt from the audit's own recomputation (recompute.ts), not from the
// publisher's tables: every fact of the base table (the one holding every other table's dimensions)
// is followed into the row it ended in, in every table; facts with the same rows everywhere form an
// inner cell. No figure resting on fewer than k machines may be a linear combination of published rows:
// neither a row under k, nor an inner cell, nor the events of a row of one table inside a row of another
// (exact rational arithmetic, the same independent elimination as derivableRows).
import { type CellVector, findDerivableCells } from '../protect/exact/disclosure-audit.js';
import type { DatasetDefinition } from '../query/dataset.js';
import { type AuditViolation, lineKey, type PublishedTable, rowKey } from './compare.js';
import type { AuditFact } from './recompute.js';

const SEP = '\u001f';

interface Member {
  table: PublishedTable;
  columns: string[];
  /** A fact's time, machine and values by column -> the id of the row it ended in. */
  rowOfFact: Map<string, string>;
  published: Set<string>;
}

const rowId = (table: PublishedTable, time: string, labels: readonly string[]) =>
  `${table.dataset}\t${table.quarter}\t${rowKey(time, labels)}`;

/** A fact as the member with `columns` sees it: its time, machine and its values of those columns. */
const factKey = (fact: AuditFact, columnsOfFact: readonly string[], columns: readonly string[]) =>
  [fact.time, fact.machine, ...columns.map((column) => fact.values[columnsOfFact.indexOf(column)])].join(SEP);

export function familyViolations(
  tables: readonly PublishedTable[],
  datasets: readonly DatasetDefinition[],
): AuditViolation[] {
  const members: Member[] = tables.map((table) => {
    const columns = datasets
      .find((dataset) => dataset.name === table.dataset)!
      .dimensions.map((dimension) => dimension.column);
    const rowOfFact = new Map<string, string>();
    for (const row of table.recomputed) {
      const id = rowId(table, row.time, row.labels);
      for (const fact of row.facts) rowOfFact.set(factKey(fact, columns, columns), id);
    }
    const published = new Set(table.lines.map((line) => `${table.dataset}\t${table.quarter}\t${lineKey(line).key}`));
    return { table, columns, rowOfFact, published };
  });
  const base = members.find((candidate) =>
    members.every((member) => member.columns.every((column) => candidate.columns.includes(column))),
  );
  const quarter = tables[0]!.quarter;
  if (base === undefined) {
    return [
      {
        rule: 'derivable',
        dataset: tables.map((table) => table.dataset).join(','),
        quarter,
        detail: 'no table of the family holds every dimension of the others: its differences cannot be checked',
      },
    ];
  }
  // Per day, the (machine, fact) pairs of the base table with their row in every table.
  const days = new Map<string, Array<{ machine: string; rows: string[] }>>();
  for (const row of base.table.recomputed) {
    for (const fact of row.facts) {
      const rows = members.map((member) => member.rowOfFact.get(factKey(fact, base.columns, member.columns)) ?? '');
      days.set(row.time, [...(days.get(row.time) ?? []), { machine: fact.machine, rows }]);
    }
  }
  const violations: AuditViolation[] = [];
  for (const pairs of days.values()) {
    if (pairs.some((pair) => pair.rows.includes(''))) {
      violations.push({
        rule: 'derivable',
        dataset: tables.map((table) => table.dataset).join(','),
        quarter,
        detail:
          'the tables of the family do not count the same events: a fact of the base table is in no row of another',
      });
      return violations;
    }
    violations.push(...derivableFiguresOfDay(members, pairs, tables[0]!.k));
  }
  return violations;
}

function derivableFiguresOfDay(
  members: readonly Member[],
  pairs: ReadonlyArray<{ machine: string; rows: string[] }>,
  k: number,
): AuditViolation[] {
  const innerOf = new Map<string, number>();
  const figures = new Map<string, { inner: Set<number>; machines: Set<string> }>();
  const note = (id: string, inner: number, machine: string) => {
    const figure = figures.get(id) ?? { inner: new Set<number>(), machines: new Set<string>() };
    figure.inner.add(inner);
    figure.machines.add(machine);
    figures.set(id, figure);
  };
  for (const { machine, rows } of pairs) {
    const signature = rows.join('\n');
    if (!innerOf.has(signature)) innerOf.set(signature, innerOf.size);
    const inner = innerOf.get(signature)!;
    note(`inner cell [${rows.join(' | ')}]`, inner, machine);
    rows.forEach((row, a) => {
      note(row, inner, machine);
      for (const other of rows.slice(a + 1)) note(`[${row}] inside [${other}]`, inner, machine);
    });
  }
  const published: CellVector[] = [];
  const protectedFigures: CellVector[] = [];
  const shapes = new Set<string>();
  const rowIds = new Set(members.flatMap((member) => [...member.rowOfFact.values()]));
  for (const [id, figure] of figures) {
    const inner = [...figure.inner].sort((a, b) => a - b);
    const isRow = rowIds.has(id);
    if (isRow && members.some((member) => member.published.has(id))) {
      published.push({ id, inner });
    } else if (figure.machines.size < k && !shapes.has(inner.join(','))) {
      shapes.add(inner.join(','));
      protectedFigures.push({ id, inner });
    }
  }
  return findDerivableCells(published, protectedFigures).map((derivable) => ({
    rule: 'derivable' as const,
    dataset: derivable.id.split('\t')[0]!.replace(/^(inner cell )?\[/, ''),
    quarter: members[0]!.table.quarter,
    row: derivable.id.replaceAll('\t', ' '),
    detail: `under k machines, yet equals ${derivable.witness.map((term) => `${term.coefficient} x [${term.id.replaceAll('\t', ' ')}]`).join(' + ')}`,
  }));
}
