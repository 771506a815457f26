// Runs the family protection (family.ts) over the built tables of one population of event datasets:
// takes the (machine, fact) pairs of the base table (the one holding every dimension of the family),
// finds for each combination of values the row it ended in in every table (a row depends on the values
// only), checks that every table counts exactly the facts of the base, then protects the family day by
// day and withholds the rows each day's elimination picks. The statements are in family.sql.

import { batchRanges, DEFAULT_VALUES_PER_BATCH } from '../core/batches.js';
import { PublisherError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { type Duck, quotedIdentifier as id, quotedString, type SqlParams } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';
import { keyShiftParams, labelJoinsSql, packedKeySql, remainderMaskParams, remainderMasks } from './cells.js';
import type { FamilyDayResult } from './family.js';
import { createFamilySolver, type FamilyDayProblem, innerCellsIn } from './family-solver.js';
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

export interface FamilyOptions {
  /** The solver's workers at most (the run's --threads; default the machine's cores). */
  threads?: number;
  /** What the days solved at once may hold (the run's memory limit; default no bound). */
  memoryBytes?: number;
  /** Days per batch of the family's statements (valuesPerBatch in core/batches.ts; default a week). */
  perBatch?: number;
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

/**
 * `WHEN _key0 IN (SELECT _key FROM rows) THEN _key0 WHEN (_key0 & $step1_mask) IN ... THEN ...`: the
 * first key of a fact's chain that is a row of its table (a fact in none gets NULL: the count finds it).
 */
function firstRowSql(result: ProtectedDataset): string {
  const type = result.layout.type;
  const keys = [
    '_key0',
    ...remainderMasks(result.dataset, result.layout).map((_, step) => `(_key0 & $step${step + 1}_mask::${type})`),
  ];
  return keys.map((key) => `WHEN ${key} IN (SELECT _key FROM ${id(result.tables.rows)}) THEN ${key}`).join('\n      ');
}

/** What place_rows binds for a table: its key fields' shifts and its remainder steps' masks. */
function placeParams(result: ProtectedDataset): SqlParams {
  return {
    ...keyShiftParams(result.layout),
    ...remainderMaskParams(result.dataset, result.layout),
  };
}

export async function protectFamily(
  duck: Duck,
  group: readonly ProtectedDataset[],
  population: string,
  logger: Logger,
  options: FamilyOptions = {},
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
  const columnsOf = (n: number) => dimensionsOf(group[n]!).map((column) => id(column));
  const baseResult = group[base]!;
  const rowColumns = group.map((_, n) => `any_value(_r${n + 1}) AS _r${n + 1}`).join(', ');
  const dated = await isDateColumn(duck, baseResult);
  /** The batch's facts placed in their rows, its pairs, vectors and figures under k (family.sql). */
  const buildBatch = async (batch: { from: string; until: string }): Promise<void> => {
    const factsOf = (result: ProtectedDataset) => ({
      time: id(result.dataset.timeColumn),
      batch_days: batchDaysSql(`f.${id(result.dataset.timeColumn)}`, dated, batch),
      fact_columns: dimensionsOf(result)
        .map((column) => `f.${id(column)}`)
        .join(', '),
      facts: id(result.facts),
      time_codes: id(result.layout.timeCodes),
    });
    await duck.run(sql('base_facts', factsOf(baseResult)), batch);
    await duck.run(sql('base_combinations', { columns: columnsOf(base).join(', ') }));
    for (const [n, result] of group.entries()) {
      await duck.run(
        sql('place_rows', {
          n: String(n),
          columns: columnsOf(n).join(', '),
          fact_columns: factsOf(result).fact_columns,
          time_codes: factsOf(result).time_codes,
          packed_key: packedKeySql(result.layout),
          first_row: firstRowSql(result),
          label_joins: labelJoinsSql(result.dataset, result.labels, 'LEFT JOIN'),
        }),
        placeParams(result),
      );
      const [count] = await duck.all<{ facts: string; placed: string; rows: string }>(
        sql('count_placed', { n: String(n), columns: columnsOf(n).join(', ') }),
      );
      if (count?.facts !== count?.placed || count?.placed !== count?.rows) {
        throw new PublisherError(
          'E_PRIVACY_CHECK',
          `family ${population}: ${result.dataset.name} has facts in no row or in two rows of its own (${count?.placed} of ${count?.facts} placed, ${count?.rows} placements); nothing was published`,
        );
      }
    }
    let unmatchedFacts = 0;
    for (const [n, result] of group.entries()) {
      if (n === base) continue;
      const [row] = await duck.all<{ n: string }>(
        sql('unmatched_facts', { ...factsOf(result), n: String(n), columns: columnsOf(n).join(', ') }),
        batch,
      );
      unmatchedFacts += Number(row?.n ?? 0);
    }
    if (unmatchedFacts > 0) {
      throw new PublisherError(
        'E_CONFIG',
        `family ${population}: its tables do not count the same events (${unmatchedFacts} facts of one table have no counterpart in another); give them their own populations`,
      );
    }
    const rowOrder = group.map((_, n) => `_r${n + 1}`);
    await duck.run(
      sql('pairs', {
        columns: columnsOf(base).join(', '),
        row_ids: group.map((_, n) => `p${n}._rid AS _r${n + 1}`).join(', '),
        row_order: rowOrder.join(', '),
        signed_rows: rowOrder.map((column) => `s.${column}`).join(', '),
        place_joins: group
          .map(
            (_, n) =>
              `JOIN family_place_${n} p${n} ON ${['_time', ...columnsOf(n)].map((column) => `p${n}.${column} = c.${column}`).join(' AND ')}`,
          )
          .join('\n    '),
      }),
    );
    await duck.run(sql('signatures', { row_columns: rowColumns, row_order: rowOrder.join(', ') }));
    await duck.run(sql('vectors'), batch);
    const figures = [sql('protected_inner')];
    for (let a = 1; a <= group.length; a++) {
      for (let b = a + 1; b <= group.length; b++)
        figures.push(sql('protected_intersection', { a: String(a), b: String(b) }));
    }
    await duck.run(sql('small_pairs'), { k });
    // The batch's largest table, no longer read: freed before the figures are built.
    await duck.run(sql('drop_family', { drops: 'DROP TABLE family_pairs;' }));
    await duck.run(sql('protected', { figures: figures.join('\n  UNION ALL ') }), { k });
  };
  const secondary: string[] = [];
  const days = (await duck.all<{ _day: string }>(sql('days'))).map((row) => row._day);
  let largestDay = { day: '', rows: 0, innerCells: 0, primaries: 0 };
  const solver = createFamilySolver(options);
  /** The days handed to the solver, in order; a rejection is handled when its day is awaited. */
  const solving: Array<{ day: string; result: Promise<FamilyDayResult> }> = [];
  let waited = 0; // seconds the main thread waited for the solver: the elimination's share of the step
  /** Awaits the oldest days handed out, in day order, until at most `pending` are still out. */
  const collect = async (pending = 0) => {
    const started = performance.now();
    while (solving.length > pending) {
      const { day, result } = solving.shift()!;
      const solved = await result;
      secondary.push(...solved.secondary);
      if (solved.rows * solved.innerCells > largestDay.rows * largestDay.innerCells) {
        largestDay = { day, rows: solved.rows, innerCells: solved.innerCells, primaries: solved.primaries };
      }
    }
    waited += (performance.now() - started) / 1000;
  };
  try {
    // A batch of days at a time (a week of the 10M quarter): the facts' chains of a whole 10M quarter do
    // not fit in the default memory limit. The batches cover every day, rows or not, so a fact in no row
    // is still found by the count. The solver works on the days handed out while DuckDB builds the next
    // batch; at most a week of days (or one batch, if larger) is out at once, so the main thread holds
    // that and the batch being read, and batches of one day still keep every worker busy.
    const ranges: Array<[number, number]> = days.length > 0 ? batchRanges(days.length, options.perBatch) : [[0, -1]];
    for (const [position, [first, last]] of ranges.entries()) {
      const next = ranges[position + 1];
      const batch = {
        from: position === 0 ? '' : (days[first] as string),
        until: next ? (days[next[0]] as string) : '\uffff',
      };
      await buildBatch(batch);
      const problems: Array<{ day: string; problem: FamilyDayProblem }> = [];
      for (const day of days.slice(first, last + 1)) problems.push({ day, problem: await readDayOfFamily(duck, day) });
      await duck.run(
        sql('drop_family', {
          drops: [
            ...group.map((_, n) => `family_place_${n}`),
            'family_base',
            'family_combinations',
            'family_small_pairs',
            'family_cells',
            'family_vectors',
            'family_protected',
          ]
            .map((table) => `DROP TABLE ${table};`)
            .join(' '),
        }),
      );
      await collect(Math.max(0, DEFAULT_VALUES_PER_BATCH - problems.length));
      for (const { day, problem } of problems) {
        const result = solver.solve(problem);
        result.catch(() => {}); // awaited in collect(), in day order
        solving.push({ day, result });
      }
    }
    await collect();
  } finally {
    await solver.close();
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
    solverWaitSeconds: Number(waited.toFixed(1)),
    ...(options.memoryBytes === undefined
      ? {}
      : { solverMemoryMiB: Math.round(options.memoryBytes / 2 ** 20), daysOverSolverMemory: solver.daysOverBudget }),
  });
  return summary;
}

/** Whether the family's time column is a DATE: then the batches' days can be constants of the scans. */
async function isDateColumn(duck: Duck, result: ProtectedDataset): Promise<boolean> {
  const [row] = await duck.all<{ type: string }>(sql('time_type', { time_codes: id(result.layout.timeCodes) }));
  return row?.type === 'DATE';
}

/**
 * `f."Timestamp" >= DATE '2026-07-08' AND f."Timestamp" < DATE '2026-07-15'`: a batch's days as constants,
 * which DuckDB checks against each row group's range (the join on the time codes alone read every fact
 * of the quarter once per batch). The first and last batches are open at their ends, as the text bounds are.
 */
function batchDaysSql(column: string, dated: boolean, batch: { from: string; until: string }): string {
  if (!dated) return 'true';
  const bounds = [
    ...(batch.from === '' ? [] : [`${column} >= DATE ${quotedString(batch.from)}`]),
    ...(batch.until === '\uffff' ? [] : [`${column} < DATE ${quotedString(batch.until)}`]),
  ];
  return bounds.length > 0 ? bounds.join(' AND ') : 'true';
}

/**
 * One day of the family, read from the tables `protectFamily` built: the rows as vectors over the
 * day's inner cells and the figures under k, named by the rows they intersect as family.ts names them.
 * Read by columns into the packed form: as row objects, a day's twenty thousand figures cost more to
 * read than to solve.
 */
async function readDayOfFamily(duck: Duck, day: string): Promise<FamilyDayProblem> {
  const rows = await duck.columns(sql('day_vectors'), { day });
  const figures = await duck.columns(sql('day_protected'), { day });
  const positionOf = new Map<number, number>();
  for (const [position, rid] of rows.integers('_rid').entries()) positionOf.set(rid, position);
  const figureRows = figures.integerLists('figure_rows');
  figureRows.values = figureRows.values.map((rid) => positionOf.get(rid) as number);
  const rowInner = rows.integerLists('cells');
  return {
    rowIds: rows.values('id') as string[],
    rowValues: Float64Array.from(rows.values('value') as bigint[], Number),
    rowPublished: Uint8Array.from(rows.values('published') as boolean[], (published) => (published ? 1 : 0)),
    rowInner,
    figureKinds: figures.values('kind') as string[],
    figureRows,
    figureInner: figures.integerLists('cells'),
    innerCells: innerCellsIn(rowInner),
  };
}
