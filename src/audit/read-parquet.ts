// The audit's Parquet reader: hyparquet (pure JavaScript, independent of DuckDB's reader), one file at
// a time, one row group at a time (memory bounded by a row group). Each column's Parquet type is mapped
// onto the contract's type for its field, per file: two files of one day with conflicting types are
// each judged on their own, never merged by a union of their schemas. A zoneless timestamp or a DATE
// in `timestamp` is no instant (ZONELESS); a value of another type than the contract's is WRONG_TYPE.
// A file hyparquet cannot read (truncated, corrupt, unknown codec) throws.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { TEXT_FIELDS, WRONG_TYPE, ZONELESS, ZonedInstant } from './contract.js';

type SchemaNode = ReturnType<typeof parquetSchema>;
type ColumnKind =
  | 'string'
  | 'json'
  | 'binary'
  | 'boolean'
  | 'integer'
  | 'float'
  | 'instant'
  | 'zoneless'
  | 'struct'
  | 'other';

/** The contract's fields and the column kinds each accepts. */
const ACCEPTS: Readonly<Record<string, readonly ColumnKind[]>> = {
  timestamp: ['string', 'instant', 'zoneless'],
  machine_id: ['string'],
  ...Object.fromEntries(TEXT_FIELDS.map((field) => [field, ['string']])),
  exit_code: ['integer'],
  is_container: ['boolean'],
  metrics: ['struct', 'string', 'json'],
};

const decoder = new TextDecoder();

/** Calls `onRecord` with each row of the file, its fields mapped onto the contract's types. */
export async function readParquet(path: string, onRecord: (record: Record<string, unknown>) => void): Promise<void> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const kinds = new Map(parquetSchema(metadata).children.map((node) => [node.element.name, kindOf(node)]));
  const columns = Object.keys(ACCEPTS).filter((field) => kinds.has(field));
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows: Array<Record<string, unknown>> =
      columns.length === 0
        ? Array.from({ length: rowEnd - rowStart }, () => ({}))
        : await parquetReadObjects({
            file,
            metadata,
            columns,
            rowStart,
            rowEnd,
            utf8: false,
            compressors,
            parsers: {
              // Instants stay exact, in microseconds; JSON stays text, parsed (and judged) below.
              timestampFromMilliseconds: (millis: bigint) => millis * 1000n,
              timestampFromMicroseconds: (micros: bigint) => micros,
              timestampFromNanoseconds: (nanos: bigint) => nanos / 1000n,
              jsonFromBytes: (bytes: Uint8Array) => bytes && decoder.decode(bytes),
            },
          });
    for (const row of rows) {
      const record: Record<string, unknown> = {};
      for (const field of columns) record[field] = contractValue(field, kinds.get(field)!, row[field]);
      onRecord(record);
    }
    rowStart = rowEnd;
  }
}

function contractValue(field: string, kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (!ACCEPTS[field]!.includes(kind)) return WRONG_TYPE;
  if (kind === 'instant') return new ZonedInstant(value as bigint);
  if (kind === 'zoneless') return ZONELESS;
  const text = value instanceof Uint8Array ? decoder.decode(value) : value;
  if (field === 'metrics' && kind !== 'struct') {
    try {
      return JSON.parse(text as string);
    } catch {
      return WRONG_TYPE;
    }
  }
  return text;
}

function kindOf(node: SchemaNode): ColumnKind {
  const { type, converted_type: converted, logical_type: logical } = node.element;
  if (node.children.length > 0) {
    const nested = converted ?? logical?.type;
    return nested === 'LIST' || nested === 'MAP' || nested === 'MAP_KEY_VALUE' ? 'other' : 'struct';
  }
  if (logical?.type === 'TIMESTAMP') return logical.isAdjustedToUTC ? 'instant' : 'zoneless';
  // Legacy TIMESTAMP_* annotations without a logical type mean instants adjusted to UTC (Parquet spec).
  if (converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS') return 'instant';
  if (type === 'INT96' || converted === 'DATE' || logical?.type === 'DATE') return 'zoneless';
  switch (type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
    case 'INT64':
      return converted === undefined || /^U?INT_/.test(converted) ? 'integer' : 'other';
    case 'FLOAT':
    case 'DOUBLE':
      return 'float';
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      if (converted === 'UTF8' || converted === 'ENUM' || logical?.type === 'STRING' || logical?.type === 'ENUM')
        return 'string';
      return converted === 'JSON' || logical?.type === 'JSON' ? 'json' : 'binary';
    default:
      return 'other';
  }
}
