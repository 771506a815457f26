// Runs the family protection (family.ts) over the built tables of one population of event datasets:
// places every fact of every table in the row it ended in, joins the tables' facts into the (machine,
// fact) pairs of the base table (the one holding every dimension of the family), then protects the
// family day by day and withholds the rows each day's elimination picks. The statements are in
// family.sql.

import { batchRanges } from '../core/batches.js';
import { PublisherError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';
import { type FamilyDayResult, protectFamilyFigures } from './family.js';
import { OTHER } from './labels.js';
import type { ProtectedDataset } from './protect.js';
import { rowKeySql, withholdSecondary } from './withhold.js';

const sql = sqlTemplates(import.meta.url, 'family.sql');

export interface FamilyProtection {
  population: string;
  datasets: string[];
  days: number;
  /** The largest day's problem: rows of the family and its inner cells. */
  largestDay: { day: string; rows: number; innerCells: number; primaries: number };
  secondary: number;
}

const dimensionsOf = (result: ProtectedDataset) => result.dataset.dimensions.map((dimension) => dimension.column);

/** The table whose dimensions hold every other table's: its facts are the family's finest pairs. */
export function familyBase(group: readonly ProtectedDataset[]): number {
  const names = group.map((result) => result.dataset.name).join(', ');
  const times = new Set(group.map((result) => result.dataset.timeColumn));
  if (times.size > 1) {
    throw new PublisherError('E_CONFIG', `family ${names}: every table needs the same time column`);
  }
  const base = group.findIndex((candidate) =>
    group.every((other) => dimensionsOf(other).every((column) => dimensionsOf(candidate).includes(column))),
  );
  if (base === -1) {
    throw new PublisherError(
      'E_CONFIG',
      `family ${names}: one table must hold every dimension of the others (the cube the others roll up)`,
    );
  }
  for (const result of group) {
    // The cell stage leaves a fact in the first row of its chain only when steps only ever add dimensions.
    result.dataset.remainder.forEach((step, index) => {
      const before = result.dataset.remainder[index - 1] ?? [];
      if (!before.every((column) => step.includes(column))) {
        throw new PublisherError(
          'E_CONFIG',
          `family ${names}: ${result.dataset.name}'s remainder step ${index + 1} must keep every dimension of step ${index} in Other`,
        );
      }
    });
  }
  return base;
}

/** `JOIN <label table> l0 ON l0._value = f."Command"`: each dimension's label row of a fact, scope included. */
function labelJoinsSql(result: ProtectedDataset): string {
  return result.dataset.dimensions
    .map((dimension, index) => {
      const on = [...(dimension.scope ?? []), dimension.column].map((column) =>
        column === dimension.column
          ? `l${index}._value = f.${id(column)}`
          : `l${index}.${id(column)} = f.${id(column)}`,
      );
      return `JOIN ${id(result.labels[index]!.table)} l${index} ON ${on.join(' AND ')}`;
    })
    .join('\n    ');
}

/** The labelled key, then the key after each remainder step. */
function chainSql(result: ProtectedDataset): string {
  const steps = [[], ...result.dataset.remainder];
  return steps
    .map((rolled) => {
      const fields = result.dataset.dimensions.map((dimension, index) =>
        rolled.includes(dimension.column) ? '$other::VARCHAR' : `l${index}._label`,
      );
      return `json_array(f.${id(result.dataset.timeColumn)}, ${fields.join(', ')})::VARCHAR`;
    })
    .join(', ');
}

export async function protectFamily(
  duck: Duck,
  group: readonly ProtectedDataset[],
  population: string,
  logger: Logger,
): Promise<FamilyProtection> {
  const base = familyBase(group);
  const names = Object.fromEntries(group.map((result, n) => [`dataset_${n}`, result.dataset.name]));
  const k = group[0]!.parameters.k;
  if (group.some((result) => result.parameters.k !== k)) {
    throw new PublisherError('E_CONFIG', `family ${population}: every table of a family is protected at one k`);
  }
  await duck.run(
    sql('row_ids', {
      rows: group
        .map((result, n) =>
          sql('row_of_table', {
            n: String(n),
            row_key: rowKeySql(result),
            rows: id(result.tables.rows),
            time: id(result.dataset.timeColumn),
          }),
        )
        .join('\n  UNION ALL '),
    }),
    names,
  );
  /** The batch's facts placed in their rows, its pairs, vectors and figures under k (family.sql). */
  const buildBatch = async (batch: { from: string; until: string }): Promise<void> => {
    for (const [n, result] of group.entries()) {
      const time = id(result.dataset.timeColumn);
      await duck.run(
        sql('member_rows', {
          n: String(n),
          time,
          fact_columns: dimensionsOf(result)
            .map((column) => `f.${id(column)}`)
            .join(', '),
          chain: chainSql(result),
          facts: id(result.facts),
          label_joins: labelJoinsSql(result),
          row_key: rowKeySql(result),
          rows: id(result.tables.rows),
        }),
        { [`dataset_${n}`]: result.dataset.name, other: OTHER, ...batch },
      );
      const [count] = await duck.all<{ facts: string; placed: string; rows: string }>(
        sql('count_facts', {
          n: String(n),
          facts: id(result.facts),
          time,
          columns: dimensionsOf(result)
            .map((column) => id(column))
            .join(', '),
        }),
        batch,
      );
      if (count?.facts !== count?.placed || count?.placed !== count?.rows) {
        throw new PublisherError(
          'E_PRIVACY_CHECK',
          `family ${population}: ${result.dataset.name} has facts in no row or in two rows of its own (${count?.placed} of ${count?.facts} placed, ${count?.rows} placements); nothing was published`,
        );
      }
    }
    const on = (n: number, left: string, right: string) =>
      ['machine_id', '_time', ...dimensionsOf(group[n]!)]
        .map((column) => `${left}.${id(column)} = ${right}.${id(column)}`)
        .join(' AND ');
    await duck.run(
      sql('pairs', {
        base: String(base),
        row_ids: group.map((_, n) => (n === base ? 'b._rid' : `m${n}._rid`)).join(', '),
        member_joins: group
          .map((_, n) => (n === base ? '' : `LEFT JOIN family_member_${n} m${n} ON ${on(n, `m${n}`, 'b')}`))
          .filter((join) => join !== '')
          .join('\n  '),
      }),
    );
    const [unmatched] = await duck.all<{ n: string }>(sql('unmatched_pairs'));
    let unmatchedFacts = Number(unmatched?.n ?? 0);
    for (const n of group.keys()) {
      if (n === base) continue;
      const [row] = await duck.all<{ n: string }>(
        sql('unmatched_facts', { n: String(n), base: String(base), on: on(n, 'm', 'b') }),
      );
      unmatchedFacts += Number(row?.n ?? 0);
    }
    if (unmatchedFacts > 0) {
      throw new PublisherError(
        'E_CONFIG',
        `family ${population}: its tables do not count the same events (${unmatchedFacts} facts of one table have no counterpart in another); give them their own populations`,
      );
    }

    await duck.run(sql('vectors'), batch);
    const figures = [sql('protected_inner')];
    for (let a = 1; a <= group.length; a++) {
      for (let b = a + 1; b <= group.length; b++)
        figures.push(sql('protected_intersection', { a: String(a), b: String(b) }));
    }
    await duck.run(sql('protected', { figures: figures.join('\n  UNION ALL ') }), { k });
  };
  const secondary: string[] = [];
  const days = (await duck.all<{ _day: string }>(sql('days'))).map((row) => row._day);
  let largestDay = { day: '', rows: 0, innerCells: 0, primaries: 0 };
  // A week at a time: the facts' chains of a whole 10M quarter do not fit in the default memory limit.
  // The batches cover every day, rows or not, so a fact in no row is still found by the count.
  const ranges: Array<[number, number]> = days.length > 0 ? batchRanges(days.length) : [[0, -1]];
  for (const [position, [first, last]] of ranges.entries()) {
    const next = ranges[position + 1];
    const batch = {
      from: position === 0 ? '' : (days[first] as string),
      until: next ? (days[next[0]] as string) : '\uffff',
    };
    await buildBatch(batch);
    for (const day of days.slice(first, last + 1)) {
      const result = await protectDayOfFamily(duck, day);
      secondary.push(...result.secondary);
      if (result.rows * result.innerCells > largestDay.rows * largestDay.innerCells) {
        largestDay = { day, rows: result.rows, innerCells: result.innerCells, primaries: result.primaries };
      }
    }
    await duck.run(
      sql('drop_family', {
        drops: [...group.map((_, n) => `family_member_${n}`), 'family_pairs', 'family_vectors', 'family_protected']
          .map((table) => `DROP TABLE ${table};`)
          .join(' '),
      }),
    );
  }
  await duck.run(sql('drop_family', { drops: 'DROP TABLE family_rows;' }));
  await withholdSecondary(duck, group, secondary);
  const summary: FamilyProtection = {
    population,
    datasets: group.map((result) => result.dataset.name),
    days: days.length,
    largestDay,
    secondary: secondary.length,
  };
  logger.info('protected a family of event tables against differencing', {
    population,
    datasets: summary.datasets.join(','),
    days: summary.days,
    secondary: summary.secondary,
    largestDay: largestDay.day,
    largestDayRows: largestDay.rows,
    largestDayInnerCells: largestDay.innerCells,
  });
  return summary;
}

/**
 * One day of the family, read from the tables `protectFamily` built: the rows as vectors over the
 * day's inner cells and the figures under k, named by the rows they intersect as family.ts names them.
 */
async function protectDayOfFamily(duck: Duck, day: string): Promise<FamilyDayResult> {
  const rows = await duck.all<{ _rid: number; id: string; value: string; published: boolean; cells: number[] }>(
    sql('day_vectors'),
    { day },
  );
  const figures = await duck.all<{ kind: string; figure_rows: number[]; cells: number[] }>(sql('day_protected'), {
    day,
  });
  const idOf = new Map(rows.map((row) => [row._rid, row.id]));
  const innerCells = rows.reduce((most, row) => Math.max(most, (row.cells.at(-1) ?? -1) + 1), 0);
  return protectFamilyFigures(
    rows.map((row) => ({ id: row.id, value: Number(row.value), published: row.published, inner: row.cells })),
    figures.map((figure) => ({
      id: `${figure.kind} ${JSON.stringify(figure.figure_rows.map((rid) => idOf.get(rid)))}`,
      inner: figure.cells,
    })),
    innerCells,
  );
}
