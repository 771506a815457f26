import { batchRanges } from '../core/batches.js';
import { PublisherError } from '../core/errors.js';
import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import type { DatasetTables } from '../engine/tables.js';
import type { DatasetDefinition } from '../query/dataset.js';
import type { DimensionLabels } from './labels.js';
import { OTHER } from './labels.js';

/**
 * Builds the published rows of one dataset, one batch of days at a time (rows of different days never mix):
 * 1. each (row, machine) pair with the machine's events, labels from the quarter-wide choice;
 * 2. rows under k are rolled into remainder rows, step by step (the dataset's `remainder` lists which
 *    dimensions become "Other" at each step); a remainder row that meets an existing row merges with it;
 * 3. what is still under k is suppressed.
 * Every event ends in exactly one row, published or suppressed: the published rows are disjoint, so no
 * suppressed row can be derived from published ones by subtraction (there are no totals or marginals).
 * Stages: 0 = full detail, 1 = generalised labels, 2 = holds remainder contributions.
 *
 * A row's key (time and labels) travels as one integer: each field's code in its own bit range, with
 * code 0 meaning "Other", so rolling dimensions into a remainder row is clearing their bits. Grouping and
 * counting millions of (row, machine) pairs on two integers instead of seven strings is what keeps this
 * stage close to the cost of the plain cube; the strings come back only for the rows, which are few.
 */
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
  await duck.run(`
    CREATE OR REPLACE TABLE ${timeCodes} AS
      SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
      FROM (SELECT DISTINCT ${id(dataset.timeColumn)} AS _value FROM ${facts});`);
  for (const label of labels) {
    await duck.run(`
      CREATE OR REPLACE TABLE ${label.table}_codes AS
        SELECT 0::BIGINT AS _code, '${OTHER}' AS _text
        UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM ${label.table} WHERE _label <> '${OTHER}');
      CREATE OR REPLACE TABLE ${label.table} AS
        SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM ${label.table} l JOIN ${label.table}_codes c ON c._text = l._label;`);
  }
  const largest = async (table: string) =>
    Number((await duck.all<{ n: string | null }>(`SELECT max(_code)::BIGINT AS n FROM ${table}`))[0]?.n ?? 0);
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

/** An integer as a literal of the key type. */
const keyLiteral = (layout: KeyLayout, bits: bigint): string =>
  layout.type === 'BIGINT' ? bits.toString() : `'${bits}'::HUGEINT`;
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
  const temp = keep ? '' : 'TEMP ';
  // `keep` puts the record in the database file, for a revision that ATTACHes it; otherwise it is a
  // temporary table (kept in memory, spilled to temp_directory), never written out.
  await duck.run(`
    CREATE OR REPLACE ${temp}TABLE ${tables.packed} (_key ${layout.type}, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
    CREATE OR REPLACE TABLE ${tables.rows} (${keys.map((key) => `${key} VARCHAR`).join(', ')}, _key ${layout.type}, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
    CREATE OR REPLACE ${temp}VIEW ${tables.assigned} AS
      SELECT ${keys.map((key) => `r.${key}`).join(', ')}, a.machine_id, a._events, a._stage::INTEGER AS _stage
      FROM ${tables.packed} a JOIN ${tables.rows} r USING (_key);`);
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

/** Batches of time codes, in order: `[first, last]` inclusive. */
export async function timeBatches(duck: Duck, layout: KeyLayout): Promise<Array<[number, number]>> {
  const [row] = await duck.all<{ n: string }>(`SELECT count(*)::BIGINT AS n FROM ${layout.timeCodes}`);
  return batchRanges(Number(row?.n ?? 0));
}

/**
 * `pairs0`: the batch's facts as (key, machine) pairs, labels from the quarter-wide choice. Facts can
 * share a pair only through a label that several values share (rare values gone to "Other", versions
 * generalised together): only those facts are grouped, the others are pairs already. (Grouping all of
 * them was a third of the cell stage.)
 */
function labelledPairs(
  dataset: DatasetDefinition,
  factsTable: string,
  labels: readonly DimensionLabels[],
  layout: KeyLayout,
  [first, last]: [number, number],
  identifiedByLabelRows: boolean,
): string[] {
  const joins = dataset.dimensions
    .map((dimension, index) => {
      const on = [...(dimension.scope ?? []), dimension.column].map((column) =>
        column === dimension.column
          ? `l${index}._value = f.${id(column)}`
          : `l${index}.${id(column)} = f.${id(column)}`,
      );
      return `JOIN ${labels[index]!.table} l${index} ON ${on.join(' AND ')}`;
    })
    .join('\n        ');
  const shifted = (code: string, field: KeyField) => `(${code}::${layout.type} << ${field.shift})`;
  const key = [
    shifted('t._code', layout.time),
    ...layout.dimensions.map((field, index) => shifted(`l${index}._code`, field)),
  ].join(' | ');
  const generalised = dataset.dimensions.map((_, index) => `l${index}._level > 0`).join(' OR ') || 'false';
  const shared = identifiedByLabelRows
    ? dataset.dimensions.map((_, index) => `l${index}._shared`).join(' OR ') || 'false'
    : 'true';
  return [
    `labelled AS MATERIALIZED (
        SELECT ${key} AS _key, f.machine_id, f._events,
               (CASE WHEN ${generalised} THEN ${STAGE.generalised} ELSE ${STAGE.detail} END)::TINYINT AS _stage, ${shared} AS _shared
        FROM ${factsTable} f
        JOIN ${layout.timeCodes} t ON t._value = f.${id(dataset.timeColumn)}
        ${joins}
        WHERE t._code BETWEEN ${first} AND ${last})`,
    `pairs0 AS MATERIALIZED (
        SELECT _key, machine_id, _events, _stage FROM labelled WHERE NOT _shared
        UNION ALL
        SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM labelled WHERE _shared GROUP BY _key, machine_id)`,
  ];
}

/**
 * From `pairs0` to `settled` (every pair in its final row) and `merged` (the keys whose pairs need
 * regrouping by machine). Step i counts the machines of each key among the pairs still moving
 * (pairs_i): a key with k of them, or one a previous step already kept, keeps its pairs for good; the
 * others' pairs have the step's fields cleared to "Other" (code 0) and merge by key as pairs_{i+1}.
 * Most pairs settle at the first steps, so the later ones touch only the few still under k. A key kept
 * at one step can receive pairs again at a later one: those are the `merged` keys.
 */
function remainderSteps(dataset: DatasetDefinition, layout: KeyLayout, k: number): string[] {
  const all = [layout.time, ...layout.dimensions].reduce((bits, field) => bits | fieldBits(field), 0n);
  const masks = dataset.remainder.map((step) => {
    const rolled = new Set(step);
    const cleared = layout.dimensions
      .filter((field) => rolled.has(field.column))
      .reduce((bits, field) => bits | fieldBits(field), 0n);
    return keyLiteral(layout, all & ~cleared);
  });
  const steps = masks.length;
  const ctes: string[] = [];
  for (let step = 0; step <= steps; step++) {
    const merges = step === 0 ? 'false' : `_key IN (SELECT _key FROM kept${step - 1})`;
    ctes.push(`counted${step} AS MATERIALIZED (
        SELECT _key, count(*) >= ${k} AS _enough, ${merges} AS _merges FROM pairs${step} GROUP BY _key)`);
    if (step === steps) break;
    ctes.push(
      `kept${step} AS MATERIALIZED (
        ${step === 0 ? '' : `SELECT _key FROM kept${step - 1} UNION ALL `}SELECT _key FROM counted${step} WHERE _enough AND NOT _merges)`,
      `pairs${step + 1} AS MATERIALIZED (
        SELECT _key & ${masks[step]} AS _key, machine_id, sum(_events)::BIGINT AS _events, ${STAGE.remainder}::TINYINT AS _stage
        FROM pairs${step} SEMI JOIN (SELECT _key FROM counted${step} WHERE NOT (_enough OR _merges)) USING (_key)
        GROUP BY ALL)`,
    );
  }
  const settled = (step: number) =>
    step === steps
      ? `SELECT * FROM pairs${step}`
      : `SELECT * FROM pairs${step} SEMI JOIN (SELECT _key FROM counted${step} WHERE _enough OR _merges) USING (_key)`;
  const everyStep = Array.from({ length: steps + 1 }, (_, step) => step);
  return [
    ...ctes,
    `settled AS (${everyStep.map(settled).join(`
        UNION ALL `)})`,
    `merged AS MATERIALIZED (${everyStep.map((step) => `SELECT _key FROM counted${step} WHERE _merges`).join(' UNION ALL ')})`,
  ];
}

export async function buildBatch(
  duck: Duck,
  dataset: DatasetDefinition,
  factsTable: string,
  labels: readonly DimensionLabels[],
  layout: KeyLayout,
  tables: DatasetTables,
  /** Time codes built together (rows of different values never mix). */
  [first, last]: [number, number],
  k: number,
  cap: number,
  /** Two facts of one time and machine never share all their label rows (`labelRowsIdentifyFacts`). */
  identifiedByLabelRows = false,
): Promise<void> {
  const ctes = [
    ...labelledPairs(dataset, factsTable, labels, layout, [first, last], identifiedByLabelRows),
    ...remainderSteps(dataset, layout, k),
  ];
  await duck.run(`
    INSERT INTO ${tables.packed}
      WITH ${ctes.join(`,
      `)}
      SELECT _key, machine_id, _events, _stage FROM settled WHERE _key NOT IN (SELECT _key FROM merged)
      UNION ALL
      SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM settled WHERE _key IN (SELECT _key FROM merged) GROUP BY ALL;`);

  const value = dataset.measure.count === 'events' ? `sum(least(_events, ${cap}))` : 'count(*)';
  const decode = (field: KeyField, alias: string) =>
    `JOIN ${field.codes} ${alias} ON ${alias}._code = ((r._key >> ${field.shift}) & ${keyLiteral(layout, (1n << BigInt(field.bits)) - 1n)})`;
  const fields = [layout.time, ...layout.dimensions];
  // The batch's pairs by their key range: time takes the top bits, and batches are inserted in order.
  const [low, high] = [
    BigInt(first) << BigInt(layout.time.shift),
    (BigInt(last + 1) << BigInt(layout.time.shift)) - 1n,
  ];
  await duck.run(`
    INSERT INTO ${tables.rows}
      SELECT ${fields.map((_field, index) => `d${index}._text`).join(', ')}, r.*, false
      FROM (SELECT _key, ${value}::BIGINT AS _value, count(*)::BIGINT AS _machines, sum(_events)::BIGINT AS _raw_events,
                   max(_stage)::INTEGER AS _stage, count(*) >= ${k} AS _published
            FROM ${tables.packed} WHERE _key BETWEEN ${keyLiteral(layout, low)} AND ${keyLiteral(layout, high)} GROUP BY _key) r
      ${fields.map((field, index) => decode(field, `d${index}`)).join('\n      ')};`);
}
