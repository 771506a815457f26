// Parquet files are validated by their own schema: each file's column types come from its footer
// (`parquet_schema`, no data read), files with the same types for the contract's fields are read
// together in one `read_parquet`, and each group gets the expressions its types call for. Reading the
// union of a batch's schemas instead would let one file's types decide how another file is checked.
import { quotedIdentifier } from '../engine/duck.js';
import { fillTemplate } from './template.js';

/** The contract's string fields besides timestamp and machine_id (same order as ndjson-candidates.sql). */
export const STRING_FIELDS = [
  'event',
  'command',
  'os_family',
  'os_version',
  'runtime_id',
  'sdk_version',
  'ip_prefix',
  'environment',
  'product',
  'product_version',
] as const;

const CONTRACT_FIELDS = ['timestamp', 'machine_id', ...STRING_FIELDS, 'exit_code', 'is_container', 'metrics'];

/** One row of DuckDB's `parquet_schema()`: the footer's schema elements, depth first. */
export interface SchemaElement {
  file_name: string;
  name: string;
  duckdb_type: string | null;
  num_children: string | null;
  converted_type: string | null;
  repetition_type: string | null;
}

/** Field name (lower case) -> DuckDB type of the top-level column; absent fields are not listed. */
export type FieldTypes = Record<string, string>;

/** The contract fields' types of each file, from its schema elements in footer order. */
export function fieldTypesByFile(elements: readonly SchemaElement[]): Map<string, FieldTypes> {
  const byFile = new Map<string, SchemaElement[]>();
  for (const element of elements) {
    const list = byFile.get(element.file_name) ?? [];
    list.push(element);
    byFile.set(element.file_name, list);
  }
  const result = new Map<string, FieldTypes>();
  for (const [file, list] of byFile) {
    const types: FieldTypes = {};
    // list[0] is the schema root; each top-level column is followed by its descendants.
    let index = 1;
    const after = (at: number): number => {
      let next = at + 1;
      for (let child = 0; child < Number(list[at]?.num_children ?? 0); child++) next = after(next);
      return next;
    };
    for (let column = 0; column < Number(list[0]?.num_children ?? 0) && index < list.length; column++) {
      const element = list[index]!;
      const name = element.name.toLowerCase();
      if (CONTRACT_FIELDS.includes(name)) types[name] = columnType(element);
      index = after(index);
    }
    result.set(file, types);
  }
  return result;
}

function columnType(element: SchemaElement): string {
  if (element.repetition_type === 'REPEATED' || element.converted_type === 'LIST') return 'LIST';
  if (element.converted_type === 'MAP' || element.converted_type === 'MAP_KEY_VALUE') return 'MAP';
  if (Number(element.num_children ?? 0) > 0) return 'STRUCT';
  return element.duckdb_type ?? 'UNKNOWN';
}

/**
 * What decides how a file is read: two files with the same key are read by the same expressions.
 * Structs of metrics differ between producers and are merged by name, so any struct is one kind.
 */
export function schemaKey(types: FieldTypes): string {
  return JSON.stringify(
    CONTRACT_FIELDS.map((field) =>
      field === 'metrics' && types[field] === 'STRUCT' ? 'STRUCT' : (types[field] ?? null),
    ),
  );
}

const isInteger = (type: string) => /^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(type);

/** A field read as `type` when the column has it; NULL when absent; NULL and a type error otherwise. */
function typed(types: FieldTypes, field: string, sqlType: string, accepted: (type: string) => boolean) {
  const type = types[field];
  const column = quotedIdentifier(field);
  if (type === undefined) return { value: `NULL::${sqlType}`, error: undefined };
  if (accepted(type))
    return { value: type === sqlType ? column : `TRY_CAST(${column} AS ${sqlType})`, error: undefined };
  return { value: `NULL::${sqlType}`, error: `${column} IS NOT NULL` };
}

/** The timestamp rule for Parquet: text follows the text rule; TIMESTAMP WITH TIME ZONE is an instant; a zoneless TIMESTAMP, a DATE or a TIME is `invalid_timestamp`. */
function timestamp(types: FieldTypes) {
  const type = types.timestamp;
  const column = quotedIdentifier('timestamp');
  const none = { text: 'NULL::VARCHAR', value: 'NULL::TIMESTAMPTZ', present: 'false', error: undefined };
  if (type === undefined) return none;
  if (type === 'VARCHAR') return { ...none, text: column, present: `${column} IS NOT NULL` };
  if (type === 'TIMESTAMP WITH TIME ZONE') return { ...none, value: column, present: `${column} IS NOT NULL` };
  if (/^(TIMESTAMP|DATE|TIME)/.test(type)) return { ...none, present: `${column} IS NOT NULL` };
  return { ...none, present: `${column} IS NOT NULL`, error: `${column} IS NOT NULL` };
}

function metrics(types: FieldTypes) {
  const type = types.metrics;
  const column = quotedIdentifier('metrics');
  if (type === undefined) return { value: 'NULL::JSON', error: undefined };
  // union_by_name merges the structs of different producers: drop the keys a row never had (NULLs).
  if (type === 'STRUCT') return { value: `json_merge_patch('{}', to_json(${column}))`, error: undefined };
  if (type === 'VARCHAR' || type === 'JSON') {
    const object = `(json_valid(${column}) AND json_type(${column}::JSON) = 'OBJECT')`;
    return { value: `CASE WHEN ${object} THEN ${column}::JSON END`, error: `${column} IS NOT NULL AND NOT ${object}` };
  }
  return { value: 'NULL::JSON', error: `${column} IS NOT NULL` };
}

/** The candidates of the files of one schema key, read through the list parameter `filesParameter`. */
export function parquetCandidatesSql(template: string, types: FieldTypes, filesParameter: string): string {
  const time = timestamp(types);
  const text = (field: string) => typed(types, field, 'VARCHAR', (type) => type === 'VARCHAR');
  const machine = text('machine_id');
  const strings = STRING_FIELDS.map((field) => ({ field, ...text(field) }));
  const exitCode = typed(types, 'exit_code', 'BIGINT', isInteger);
  const container = typed(types, 'is_container', 'BOOLEAN', (type) => type === 'BOOLEAN');
  const metric = metrics(types);
  const errors = [time, machine, ...strings, exitCode, container, metric]
    .map((part) => part.error)
    .filter((error) => error !== undefined);
  return fillTemplate(template, {
    files: `$${filesParameter}`,
    timestamp_text: time.text,
    timestamp_value: time.value,
    timestamp_present: time.present,
    string_columns: [machine, ...strings]
      .map(
        (part, index) => `${part.value} AS ${quotedIdentifier(index === 0 ? 'machine_id' : STRING_FIELDS[index - 1]!)}`,
      )
      .join(', '),
    exit_code: exitCode.value,
    is_container: container.value,
    metrics: metric.value,
    type_error: errors.length > 0 ? `(${errors.join(' OR ')})` : 'false',
  });
}
