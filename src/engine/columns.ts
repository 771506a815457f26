// A result read by columns, straight from DuckDB's vectors: for results of tens of thousands of integer
// lists, where building a JSON object per row cost more than the query (measured: reading the family's
// figures of a 2M-event quarter, 14 s as row objects).
import {
  type DuckDBDataChunk,
  DuckDBIntegerVector,
  DuckDBListVector,
  type DuckDBMaterializedResult,
} from '@duckdb/node-api';

/** Lists of integers end to end: list n is `values[offsets[n] .. offsets[n + 1])`. */
export interface IntegerLists {
  offsets: Int32Array;
  values: Int32Array;
}

export interface Columns {
  rowCount: number;
  /** An INTEGER column without NULLs. */
  integers(name: string): Int32Array;
  /**
   * An INTEGER[] column without NULL elements. A NULL list cannot be told from an empty one here without
   * copying every list: the query returns none (coalesce).
   */
  integerLists(name: string): IntegerLists;
  /** Any column as DuckDB's values (VARCHAR a string, BIGINT a bigint, BOOLEAN a boolean). */
  values(name: string): unknown[];
}

export function columnsOf(result: DuckDBMaterializedResult): Columns {
  const chunks: DuckDBDataChunk[] = Array.from({ length: result.chunkCount }, (_, n) => result.getChunk(n));
  // A chunk's row count is a call into DuckDB each time it is read: read once.
  const chunkRows = chunks.map((chunk) => chunk.rowCount);
  const rowCount = chunkRows.reduce((sum, rows) => sum + rows, 0);
  const names = result.columnNames();
  const indexOf = (name: string): number => {
    const index = names.indexOf(name);
    if (index === -1) throw new Error(`result has no column ${name} (columns: ${names.join(', ')})`);
    return index;
  };
  const notNull = (name: string, value: number | null): number => {
    if (value === null) throw new Error(`column ${name} holds a NULL where integers were expected`);
    return value;
  };
  return {
    rowCount,
    integers(name) {
      const index = indexOf(name);
      const out = new Int32Array(rowCount);
      let at = 0;
      for (const [n, chunk] of chunks.entries()) {
        const vector = chunk.getColumnVector(index);
        if (!(vector instanceof DuckDBIntegerVector)) throw new Error(`column ${name} is not INTEGER`);
        for (let row = 0; row < (chunkRows[n] as number); row++) out[at++] = notNull(name, vector.getItem(row));
      }
      return out;
    },
    integerLists(name) {
      const index = indexOf(name);
      const offsets = new Int32Array(rowCount + 1);
      const lists: DuckDBListVector[] = [];
      let at = 0;
      for (const [n, chunk] of chunks.entries()) {
        const vector = chunk.getColumnVector(index);
        if (!(vector instanceof DuckDBListVector)) throw new Error(`column ${name} is not a list`);
        for (let row = 0; row < (chunkRows[n] as number); row++) {
          offsets[at + 1] = (offsets[at] as number) + vector.getEntryLength(row);
          at++;
        }
        lists.push(vector);
      }
      const values = new Int32Array(offsets[rowCount] as number);
      let written = 0;
      for (const [n, list] of lists.entries()) {
        const child = list.childVector;
        const rows = chunkRows[n] as number;
        if (rows > 0 && !(child instanceof DuckDBIntegerVector)) throw new Error(`column ${name} is not INTEGER[]`);
        for (let row = 0; row < rows; row++) {
          const first = list.getEntryOffset(row);
          const length = list.getEntryLength(row);
          for (let item = first; item < first + length; item++)
            values[written++] = notNull(name, child.getItem(item) as number | null);
        }
      }
      return { offsets, values };
    },
    values(name) {
      const index = indexOf(name);
      return chunks.flatMap((chunk) => chunk.getColumnValues(index));
    },
  };
}
