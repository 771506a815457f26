// Builds the published rows of one dataset, one batch of days at a time (rows of different days never mix):
// 1. each (row, machine) pair with the machine's events, labels from the quarter-wide choice;
// 2. rows under k are rolled into remainder rows, step by step (the dataset's `remainder` lists which
//    dimensions become "Other" at each step, or `remainderOrder` chooses them one at a time from the
//    quarter's data); a remainder row that meets an existing row merges with it;
// 3. what is still under k is suppressed.
// Every event ends in exactly one row, published or suppressed: the published rows are disjoint, so no
// suppressed row can be derived from published ones by subtraction (there are no totals or marginals).
//
// A row's key (time and labels) travels as one integer: each field's code in its own bit range, with
// code 0 meaning "Other", so rolling dimensions into a remainder row is clearing their bits. Grouping and
// counting millions of (row, machine) pairs on two integers instead of seven strings is what keeps this
// stage close to the cost of the plain cube; the strings come back only for the rows, which are few.
// The statements are in cells.sql; this module renders the parts that repeat per key field (packing,
// decoding, label joins) and per remainder step, and binds every value (k, cap, code ranges, masks).
import { batchRanges } from '../core/batches.js';
import { PublisherError } from '../core/errors.js';
import { type Duck, quotedIdentifier as id, type SqlParams } from '../engine/duck.js';
import { sqlComment, sqlTemplates } from '../engine/sql.js';
import type { DatasetTables } from '../engine/tables.js';
import type { DatasetDefinition } from '../query/dataset.js';
import type { DimensionLabels } from './labels.js';
import { OTHER } from './labels.js';

const sql = sqlTemplates(import.meta.url, 'cells.sql');

/** Stages: 0 = full detail, 1 = generalised labels, 2 = holds remainder contributions. */
export const STAGE = { detail: 0, generalised: 1, remainder: 2 } as const;

/** One field of the packed key: its codes table `(_code, _text)` and its bit range. */
interface KeyField {
  column: string;
  codes: string;
  shift: number;
  bits: number;
}

export interface KeyLayout {
  /** BIGINT while the fields fit in 63 bits, HUGEINT beyond. */
  type: 'BIGINT' | 'HUGEINT';
  time: KeyField;
  dimensions: KeyField[];
  /** `(_code, _value)` of the time column, in order: batches are ranges of codes. */
  timeCodes: string;
}

/**
 * Gives every label of every dimension a code (0 for "Other", 1... for the others in order) and every
 * value of the time column a code in its order; sizes the bit ranges from the largest codes.
 */
export async function createKeyLayout(
  duck: Duck,
  dataset: DatasetDefinition,
  facts: string,
  labels: readonly DimensionLabels[],
  tables: DatasetTables,
  /** Keys up to this many bits are BIGINT (tests lower it to exercise the 128-bit key). */
  narrowBits = 63,
): Promise<KeyLayout> {
  const timeCodes = tables.timeCodes;
  await duck.run(sql('time_codes', { time_codes: id(timeCodes), time: id(dataset.timeColumn), facts: id(facts) }));
  for (const label of labels) {
    await duck.run(sql('label_codes', { codes: id(`${label.table}_codes`), label: id(label.table) }), {
      other: OTHER,
    });
  }
  const largest = async (table: string) =>
    Number((await duck.all<{ n: string | null }>(sql('largest_code', { codes: id(table) })))[0]?.n ?? 0);
  const bitsFor = (largestCode: number) => Math.max(1, Math.ceil(Math.log2(largestCode + 1)));
  // Dimensions take the low bits, last dimension lowest; time takes the bits above them.
  let shift = 0;
  const dimensions: KeyField[] = [];
  for (const [index, label] of [...labels.entries()].reverse()) {
    const bits = bitsFor(await largest(`${label.table}_codes`));
    dimensions[index] = { column: dataset.dimensions[index]!.column, codes: `${label.table}_codes`, shift, bits };
    shift += bits;
  }
  const timeBits = bitsFor(await largest(timeCodes));
  const time = { column: dataset.timeColumn, codes: timeCodes, shift, bits: timeBits };
  const total = shift + timeBits;
  if (total > 127) {
    throw new PublisherError(
      'E_CONFIG',
      `dataset "${dataset.name}": row keys need ${total} bits, more than 127: too many distinct labels or dimensions`,
    );
  }
  return { type: total <= narrowBits ? 'BIGINT' : 'HUGEINT', time, dimensions, timeCodes };
}

const fieldBits = (field: KeyField): bigint => ((1n << BigInt(field.bits)) - 1n) << BigInt(field.shift);

/** The rows table, the packed record and its spelled-out view. */
export async function createCellTables(
  duck: Duck,
  dataset: DatasetDefinition,
  tables: DatasetTables,
  layout: KeyLayout,
  keep = false,
): Promise<void> {
  const keys = [dataset.timeColumn, ...dataset.dimensions.map((dimension) => dimension.column)].map(id);
  // `keep` puts the record in the database file, for a revision that ATTACHes it; otherwise it is a
  // temporary table (kept in memory, spilled to temp_directory), never written out.
  await duck.run(
    sql('cell_tables', {
      temporary: keep ? '' : 'TEMP ',
      packed: id(tables.packed),
      rows: id(tables.rows),
      assigned: id(tables.assigned),
      key_type: layout.type,
      key_column_types: keys.map((key) => `${key} VARCHAR`).join(', '),
      key_columns_of_rows: keys.map((key) => `r.${key}`).join(', '),
    }),
  );
}

/**
 * Whether two facts of one time and machine always differ in some dimension's label row (scope and
 * value). Facts are distinct over all their columns; this holds when every column besides the time,
 * the machine and the dimensions is pinned by some dimension's label row (a ladder's input such as a
 * country's continent). Then two facts with the same labels can only meet through a shared label.
 */
export function labelRowsIdentifyFacts(
  dataset: DatasetDefinition,
  factColumns: readonly string[],
  labels: readonly DimensionLabels[],
): boolean {
  const pinned = new Set([dataset.timeColumn, 'machine_id', ...labels.flatMap((label) => label.determines)]);
  return factColumns.every((column) => pinned.has(column));
}

/** Batches of `perBatch` time codes, in order: `[first, last]` inclusive. */
export async function timeBatches(
  duck: Duck,
  layout: KeyLayout,
  perBatch: number,
  /** Only the codes from the first to the last these facts hold (a shard's days of the quarter's codes). */
  facts?: string,
): Promise<Array<[number, number]>> {
  if (facts === undefined) {
    const [row] = await duck.all<{ n: string }>(sql('count_time_codes', { time_codes: id(layout.timeCodes) }));
    return batchRanges(Number(row?.n ?? 0), perBatch);
  }
  const [row] = await duck.all<{ first: string | null; last: string | null }>(
    sql('fact_time_codes', { time_codes: id(layout.timeCodes), facts: id(facts), time: id(layout.time.column) }),
  );
  if (row?.first == null || row.last == null) return [];
  const first = Number(row.first);
  return batchRanges(Number(row.last) - first + 1, perBatch).map(([a, b]) => [a + first, b + first]);
}

/** A key field's name in parameters (`$shift_time`, `$shift_0`) and comments. */
interface NamedField extends KeyField {
  /** `time`, or the dimension's position. */
  name: string;
}

function namedFields(layout: KeyLayout): NamedField[] {
  return [
    { ...layout.time, name: 'time' },
    ...layout.dimensions.map((field, index) => ({ ...field, name: String(index) })),
  ];
}

/** Every key field's start bit and width mask as parameters (`$shift_time`, `$field_mask_0` ...). */
function keyFieldParams(layout: KeyLayout): SqlParams {
  return {
    ...keyShiftParams(layout),
    ...Object.fromEntries(
      namedFields(layout).map((field) => [`field_mask_${field.name}`, (1n << BigInt(field.bits)) - 1n]),
    ),
  };
}

/** Where each key field starts (`$shift_time`, `$shift_0` ...): what `packedKeySql` binds. */
export function keyShiftParams(layout: KeyLayout): SqlParams {
  return Object.fromEntries(namedFields(layout).map((field) => [`shift_${field.name}`, field.shift]));
}

/** `(t._code::BIGINT << $shift_time) | ...`: a fact's labels packed into its key, one line per field. */
export function packedKeySql(layout: KeyLayout): string {
  const aliases = ['t', ...layout.dimensions.map((_, index) => `l${index}`)];
  return namedFields(layout)
    .map(
      (field, index) => `(${aliases[index]}._code::${layout.type} << $shift_${field.name}) ${sqlComment(field.column)}`,
    )
    .join('\n             | ');
}

/**
 * `JOIN <label table> l0 ON l0._value = f."Command"`: each dimension's label row of a fact, scope included.
 * `join` is `LEFT JOIN` where a fact without a label must stay, to be counted.
 */
export function labelJoinsSql(
  dataset: DatasetDefinition,
  labels: readonly DimensionLabels[],
  join: 'JOIN' | 'LEFT JOIN' = 'JOIN',
): string {
  return dataset.dimensions
    .map((dimension, index) => {
      const on = [...(dimension.scope ?? []), dimension.column].map((column) =>
        column === dimension.column
          ? `l${index}._value = f.${id(column)}`
          : `l${index}.${id(column)} = f.${id(column)}`,
      );
      return `${join} ${id(labels[index]!.table)} l${index} ON ${on.join(' AND ')}`;
    })
    .join('\n    ');
}

/**
 * The key mask of each remainder step: every field's bits but those of the dimensions the step rolls
 * into "Other". Step n (from 1) is `dataset.remainder[n - 1]`; its mask is `$step<n>_mask`.
 */
export function remainderMasks(
  dataset: DatasetDefinition,
  layout: KeyLayout,
): Array<{ rolled: string[]; mask: bigint }> {
  const all = [layout.time, ...layout.dimensions].reduce((bits, field) => bits | fieldBits(field), 0n);
  return dataset.remainder.map((step) => {
    const rolled = new Set(step);
    const fields = layout.dimensions.filter((field) => rolled.has(field.column));
    const cleared = fields.reduce((bits, field) => bits | fieldBits(field), 0n);
    return { rolled: fields.map((field) => field.column), mask: all & ~cleared };
  });
}

/** Each remainder step's mask as `$step<n>_mask` (n from 1), as `remainderMasks` gives them. */
export function remainderMaskParams(dataset: DatasetDefinition, layout: KeyLayout): SqlParams {
  return Object.fromEntries(remainderMasks(dataset, layout).map(({ mask }, step) => [`step${step + 1}_mask`, mask]));
}

/**
 * The remainder steps' CTEs of batch_pairs: from `pairs0` to `settled` (every pair in its final row)
 * and `merged` (the keys whose pairs need regrouping by machine). Step n counts the machines of each
 * key among the pairs still moving (pairs<n-1>): a key with k of them, or one a previous step already
 * kept, keeps its pairs for good; the others' pairs have the step's fields cleared to "Other" (code 0)
 * and merge by key as pairs<n>. Most pairs settle at the first steps, so the later ones touch only the
 * few still under k. A key kept at one step can receive pairs again at a later one: those are `merged`.
 */
function remainderStepsSql(
  dataset: DatasetDefinition,
  layout: KeyLayout,
): { remainder_steps: string; settled: string; merged: string } {
  const steps = dataset.remainder.length;
  const merges = (step: number) => (step === 0 ? 'false' : `_key IN (SELECT _key FROM kept${step - 1})`);
  const ctes = remainderMasks(dataset, layout).map(({ rolled }, step) =>
    sql('remainder_step', {
      step: String(step),
      next: String(step + 1),
      merges: merges(step),
      kept_before: step === 0 ? '' : `SELECT _key FROM kept${step - 1} UNION ALL `,
      mask: `$step${step + 1}_mask::${layout.type}`,
      rolled: `remainder step ${step + 1} clears ${rolled.join(', ') || 'no dimension'}`,
    }),
  );
  ctes.push(sql('last_count', { step: String(steps), merges: merges(steps) }));
  const everyStep = Array.from({ length: steps + 1 }, (_, step) => step);
  const settled = (step: number) =>
    step === steps
      ? `SELECT * FROM pairs${step}`
      : `SELECT * FROM pairs${step} SEMI JOIN (SELECT _key FROM counted${step} WHERE _enough OR _merges) USING (_key)`;
  return {
    remainder_steps: ctes.join(',\n  '),
    settled: everyStep.map(settled).join('\n    UNION ALL '),
    merged: everyStep.map((step) => `SELECT _key FROM counted${step} WHERE _merges`).join(' UNION ALL '),
  };
}

/** The statement of one batch's pairs and what it binds. */
export function batchPairsStatement(
  dataset: DatasetDefinition,
  factsTable: string,
  labels: readonly DimensionLabels[],
  layout: KeyLayout,
  tables: DatasetTables,
  [first, last]: [number, number],
  k: number,
  identifiedByLabelRows: boolean,
): { sql: string; params: SqlParams } {
  const generalised = dataset.dimensions.map((_, index) => `l${index}._level > 0`).join(' OR ') || 'false';
  const shared = identifiedByLabelRows
    ? dataset.dimensions.map((_, index) => `l${index}._shared`).join(' OR ') || 'false'
    : 'true';
  const text = sql('batch_pairs', {
    packed: id(tables.packed),
    packed_key: packedKeySql(layout),
    generalised,
    shared,
    facts: id(factsTable),
    time_codes: id(layout.timeCodes),
    time: id(dataset.timeColumn),
    label_joins: labelJoinsSql(dataset, labels),
    ...remainderStepsSql(dataset, layout),
  });
  const params: SqlParams = {
    first_code: first,
    last_code: last,
    k,
    stage_detail: STAGE.detail,
    stage_generalised: STAGE.generalised,
    stage_remainder: STAGE.remainder,
    ...remainderMaskParams(dataset, layout),
  };
  return { sql: text, params: { ...params, ...keyShiftParams(layout) } };
}

/** The statement of one batch's rows and what it binds. */
export function batchRowsStatement(
  dataset: DatasetDefinition,
  layout: KeyLayout,
  tables: DatasetTables,
  [first, last]: [number, number],
  k: number,
  cap: number,
): { sql: string; params: SqlParams } {
  const fields = namedFields(layout);
  const decode = (field: NamedField, index: number) =>
    `JOIN ${id(field.codes)} d${index} ON d${index}._code = ((r._key >> $shift_${field.name}) & $field_mask_${field.name}::${layout.type}) ${sqlComment(field.column)}`;
  const events = dataset.measure.count === 'events';
  const text = sql('batch_rows', {
    rows: id(tables.rows),
    field_texts: fields.map((_field, index) => `d${index}._text`).join(', '),
    // What a row publishes: its capped events, or its machines.
    measure: events ? 'sum(least(_events, $cap::BIGINT))' : 'count(*)',
    packed: id(tables.packed),
    key_type: layout.type,
    decode_joins: fields.map(decode).join('\n  '),
  });
  // The batch's pairs by their key range: time takes the top bits, and batches are inserted in order.
  const params: SqlParams = {
    k,
    low_key: BigInt(first) << BigInt(layout.time.shift),
    high_key: (BigInt(last + 1) << BigInt(layout.time.shift)) - 1n,
    ...keyFieldParams(layout),
    ...(events ? { cap } : {}),
  };
  return { sql: text, params };
}

export async function buildBatch(
  duck: Duck,
  dataset: DatasetDefinition,
  factsTable: string,
  labels: readonly DimensionLabels[],
  layout: KeyLayout,
  tables: DatasetTables,
  /** Time codes built together (rows of different values never mix). */
  batch: [number, number],
  k: number,
  cap: number,
  /** Two facts of one time and machine never share all their label rows (`labelRowsIdentifyFacts`). */
  identifiedByLabelRows = false,
): Promise<void> {
  const pairs = batchPairsStatement(dataset, factsTable, labels, layout, tables, batch, k, identifiedByLabelRows);
  await duck.run(pairs.sql, pairs.params);
  const rows = batchRowsStatement(dataset, layout, tables, batch, k, cap);
  await duck.run(rows.sql, rows.params);
}

/** What one dimension keeps when rolled first, and its place in the order. */
export interface RemainderChoice {
  column: string;
  /** Measure (capped events, or machines) of the under-k rows that rolling it alone publishes. */
  kept: number;
}

/**
 * The order in which a `{"oneAtATime": [...]}` dataset rolls its dimensions into "Other", from the
 * quarter's data. Rule: for each listed dimension d, roll d alone in every row under k (every day of the
 * quarter, labels as published): the rows that then rest on k machines, alone or by meeting a kept row,
 * keep every other label exact; their measure is what rolling d first keeps. Dimensions are rolled in
 * decreasing order of it, ties broken by column name (code-point order); step n rolls the first n. The
 * order is a pure function of the quarter's facts and labels, so the audit recomputes it independently
 * (src/audit/recompute.ts), and it is recorded in the privacy report (`remainder`).
 */
export async function remainderOrder(
  duck: Duck,
  dataset: DatasetDefinition,
  factsTable: string,
  labels: readonly DimensionLabels[],
  layout: KeyLayout,
  k: number,
  cap: number,
  perBatch: number,
): Promise<RemainderChoice[]> {
  const listed = dataset.remainderByData ?? [];
  const all = [layout.time, ...layout.dimensions].reduce((bits, field) => bits | fieldBits(field), 0n);
  const events = dataset.measure.count === 'events';
  const params: SqlParams = { k, ...(events ? { cap } : {}) };
  for (const field of namedFields(layout)) params[`shift_${field.name}`] = field.shift;
  const parts = listed.map((column, index) => {
    const field = layout.dimensions.find((candidate) => candidate.column === column)!;
    params[`name_${index}`] = column;
    params[`mask_${index}`] = all & ~fieldBits(field);
    return sql('kept_if_rolled_first', { column, index: String(index), key_type: layout.type });
  });
  const text = sql('remainder_order', {
    packed_key: packedKeySql(layout),
    facts: id(factsTable),
    time_codes: id(layout.timeCodes),
    time: id(dataset.timeColumn),
    label_joins: labelJoinsSql(dataset, labels),
    measure: events ? 'sum(least(_events, $cap::BIGINT))' : 'count(*)',
    kept_per_dimension: parts.join('\n  UNION ALL\n  '),
  });
  // Summed over the batches of the cell stage: the figures are per row, and rows are per time value.
  const kept = new Map(listed.map((column) => [column, 0]));
  for (const [first, last] of await timeBatches(duck, layout, perBatch)) {
    const rows = await duck.all<{ _dimension: string; _kept: string }>(text, {
      ...params,
      first_code: first,
      last_code: last,
    });
    for (const row of rows) kept.set(row._dimension, kept.get(row._dimension)! + Number(row._kept));
  }
  return [...kept]
    .map(([column, total]) => ({ column, kept: total }))
    .sort((a, b) => b.kept - a.kept || (a.column < b.column ? -1 : a.column > b.column ? 1 : 0));
}

/** Step n rolls the first n dimensions of the order. */
export function oneAtATimeSteps(order: readonly RemainderChoice[]): string[][] {
  return order.map((_, step) => order.slice(0, step + 1).map((choice) => choice.column));
}
