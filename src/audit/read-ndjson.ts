// The audit's NDJSON reader: a file (gzip when its name ends in .gz) streamed through node:zlib and
// split into lines by bytes, one JSON value a line. It shares nothing with the job's DuckDB read_csv:
// a file read through a glob, or a gzip read up to where it breaks, cannot look the same to both.
// A gzip that is truncated or corrupt throws (the caller reports the file); a line that is not UTF-8 or
// not JSON is a record the contract rejects, as the job rejects it.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** What a line that cannot be parsed yields: the contract rejects anything that is not an object. */
export const NOT_JSON: unique symbol = Symbol('not json');

const NEWLINE = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Calls `onRecord` with each non-blank line of the file, parsed (NOT_JSON when it does not parse). */
export async function readNdjson(path: string, onRecord: (record: unknown) => void): Promise<void> {
  const emit = (bytes: Buffer) => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      onRecord(NOT_JSON);
      return;
    }
    if (text.trim() === '') return;
    try {
      onRecord(JSON.parse(text));
    } catch {
      onRecord(NOT_JSON);
    }
  };
  const split = async (chunks: AsyncIterable<Buffer>) => {
    let rest: Buffer = Buffer.alloc(0);
    for await (const chunk of chunks) {
      let data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE)) {
        emit(data.subarray(0, end));
        data = data.subarray(end + 1);
      }
      rest = data;
    }
    if (rest.length > 0) emit(rest);
  };
  const source = createReadStream(path);
  if (path.toLowerCase().endsWith('.gz')) await pipeline(source, createGunzip(), split);
  else await pipeline(source, split);
}
